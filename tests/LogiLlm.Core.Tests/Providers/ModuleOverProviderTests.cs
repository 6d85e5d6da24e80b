using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Providers;
using static LogiLlm.Core.Tests.Providers.ProviderTestKit;

namespace LogiLlm.Core.Tests.Providers;

/// <summary>A real Predict module, through a real SDK client, against the loopback stub: what reaches the wire.</summary>
public sealed class ModuleOverProviderTests : IAsyncLifetime
{
    private LoopbackLlmServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await LoopbackLlmServer.StartAsync();
        _server.ReplyText = "[[ ## category ## ]]\nrefund\n\n[[ ## completed ## ]]";
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Predict Classifier(Provider provider)
    {
        var predict = new Predict("email: str -> category: str") { Provider = provider };
        predict.DemoManager.Add(Demo.Create(new { email = "I was charged twice" }, new { category = "billing" }));
        predict.Config["temperature"] = 0.3;
        predict.Config["top_p"] = 0.9;
        predict.Config["max_tokens"] = 64;
        predict.Config["seed"] = 11;
        predict.Config["stop"] = new JsonArray("\n\n\n");
        return predict;
    }

    [Fact]
    public async Task Predict_over_openai_sends_system_demo_pair_input_and_config_and_reads_usage()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers));

        var result = await Classifier(provider).InvokeAsync(new { email = "Please refund my order" });

        Assert.True(result.Success, result.Error);
        Assert.Equal("refund", result.Get<string>("category"));
        Assert.Equal(42, result.Usage.InputTokens);
        Assert.Equal(7, result.Usage.OutputTokens);

        var body = Assert.Single(_server.Requests).Body;
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => (string)m!["role"]!).ToArray());
        Assert.Contains("I was charged twice", Text(messages[1]!["content"]));
        Assert.Contains("billing", Text(messages[2]!["content"]));
        Assert.Contains("Please refund my order", Text(messages[3]!["content"]));
        Assert.Equal(0.3, (double)body["temperature"]!, 3);
        Assert.Equal(0.9, (double)body["top_p"]!, 3);
        Assert.Equal(64, (int)(body["max_completion_tokens"] ?? body["max_tokens"])!);
        Assert.Equal(11, (long)body["seed"]!);
        Assert.Equal("\n\n\n", Text(body["stop"]));
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Predict_over_anthropic_sends_system_demo_pair_input_and_config_and_reads_usage()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", Options(_server.BaseUri, loggers));

        var result = await Classifier(provider).InvokeAsync(new { email = "Please refund my order" });

        Assert.True(result.Success, result.Error);
        Assert.Equal("refund", result.Get<string>("category"));
        Assert.Equal(42, result.Usage.InputTokens);
        Assert.Equal(7, result.Usage.OutputTokens);

        var body = Assert.Single(_server.Requests).Body;
        Assert.False(string.IsNullOrWhiteSpace(Text(body["system"])));
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string)m!["role"]!).ToArray());
        Assert.Contains("I was charged twice", Text(messages[0]!["content"]));
        Assert.Contains("billing", Text(messages[1]!["content"]));
        Assert.Contains("Please refund my order", Text(messages[2]!["content"]));
        Assert.Equal(0.3, (double)body["temperature"]!, 3);
        Assert.Equal(0.9, (double)body["top_p"]!, 3);
        Assert.Equal(64, (int)body["max_tokens"]!);
        Assert.Equal("\n\n\n", Text(body["stop_sequences"]));
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Provider_failure_reaches_the_module_caller_as_ProviderException()
    {
        var (loggers, _) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(401));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => Classifier(provider).InvokeAsync(new { email = "x" }));

        Assert.Equal(401, ex.StatusCode);
        Assert.DoesNotContain(SecretKey, ex.ToString());
    }

    /// <summary>Text of a string, or of an array of strings / content parts.</summary>
    private static string Text(JsonNode? node) => node switch
    {
        JsonArray parts => string.Concat(parts.Select(p => p is JsonObject o ? (string?)o["text"] : (string?)p)),
        null => string.Empty,
        _ => (string)node!,
    };
}
