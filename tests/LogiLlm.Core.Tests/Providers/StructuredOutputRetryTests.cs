using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Providers;
using static LogiLlm.Core.Tests.Providers.ProviderTestKit;

namespace LogiLlm.Core.Tests.Providers;

/// <summary>DSPy's ChatAdapter -> JSONAdapter fallback, through real SDK clients against the loopback stub.</summary>
public sealed class StructuredOutputRetryTests : IAsyncLifetime
{
    private const string Unreadable = "I would say this one is about a refund.";
    private LoopbackLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static Predict Classifier(Provider provider, IAdapter? adapter = null)
    {
        var predict = new Predict("email: str -> category: Literal['billing', 'refund'], confidence: float") { Provider = provider };
        if (adapter is not null) predict.Adapter = adapter;
        predict.DemoManager.Add(Demo.Create(new { email = "I was charged twice" }, new { category = "billing", confidence = 0.9 }));
        predict.Config["temperature"] = 0.2;
        return predict;
    }

    private Provider OpenAI() => IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, CapturingLoggerFactory().Factory));

    [Fact]
    public async Task A_reply_that_does_not_parse_is_asked_for_again_once_in_JSON_with_the_outputs_schema()
    {
        _server.Enqueue(new StubReply(Text: Unreadable), new StubReply(Text: """{"category": "refund", "confidence": 0.75}"""));

        var result = await Classifier(OpenAI()).InvokeAsync(new { email = "Please refund my order" });

        Assert.True(result.Success, result.Error);
        Assert.Equal("refund", result.Get<string>("category"));
        Assert.Equal(0.75, result.Get<double>("confidence"), 6);
        Assert.Equal((84, 14), (result.Usage.InputTokens, result.Usage.OutputTokens));
        Assert.Equal(2, _server.Requests.Count);
        var first = _server.Requests[0].Body;
        var second = _server.Requests[1].Body;
        Assert.False(first.ContainsKey("response_format"));
        var format = second["response_format"]!.AsObject();
        Assert.Equal("json_schema", (string?)format["type"]);
        var schema = format["json_schema"]!["schema"]!.AsObject();
        Assert.Equal(["category", "confidence"], schema["properties"]!.AsObject().Select(p => p.Key).ToArray());
        Assert.Equal(["billing", "refund"], schema["properties"]!["category"]!["enum"]!.AsArray().Select(v => (string)v!).ToArray());
        Assert.Contains("JSON", second["messages"]!.AsArray().Last()!["content"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0.2, (double)second["temperature"]!, 3);
    }

    [Fact]
    public async Task When_the_JSON_reply_does_not_parse_either_the_prediction_fails_after_exactly_two_calls()
    {
        _server.Enqueue(new StubReply(Text: Unreadable), new StubReply(Text: "still not JSON"));

        var result = await Classifier(OpenAI()).InvokeAsync(new { email = "Please refund my order" });

        Assert.False(result.Success);
        Assert.Contains("ChatAdapter", result.Error);
        Assert.Contains("JSONAdapter", result.Error);
        Assert.Equal("still not JSON", result.RawCompletion);
        Assert.Equal((84, 14), (result.Usage.InputTokens, result.Usage.OutputTokens));
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task A_reply_that_parses_costs_one_call()
    {
        _server.Enqueue(new StubReply(Text: "[[ ## category ## ]]\nrefund\n\n[[ ## confidence ## ]]\n0.8\n\n[[ ## completed ## ]]"));

        var result = await Classifier(OpenAI()).InvokeAsync(new { email = "Please refund my order" });

        Assert.True(result.Success, result.Error);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task The_JSON_adapter_and_an_adapter_that_turns_the_fallback_off_are_not_retried()
    {
        _server.Enqueue(new StubReply(Text: Unreadable), new StubReply(Text: Unreadable));

        var json = await Classifier(OpenAI(), new JsonAdapter()).InvokeAsync(new { email = "a" });
        var off = await Classifier(OpenAI(), new ChatAdapter(new JsonObject { [JsonAdapterFallback.ConfigKey] = false })).InvokeAsync(new { email = "b" });

        Assert.False(json.Success);
        Assert.False(off.Success);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal("json_schema", (string?)_server.Requests[0].Body["response_format"]!["type"]);
    }

    [Fact]
    public async Task Anthropic_gets_the_JSON_retry_too()
    {
        _server.Enqueue(new StubReply(Text: Unreadable), new StubReply(Text: """Here it is: {"category": "billing", "confidence": 0.6}"""));
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", Options(_server.BaseUri, CapturingLoggerFactory().Factory));

        var result = await Classifier(provider).InvokeAsync(new { email = "I was charged twice" });

        Assert.True(result.Success, result.Error);
        Assert.Equal("billing", result.Get<string>("category"));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains("JSON", _server.Requests[1].Body["messages"]!.AsArray().Last()!.ToJsonString(), StringComparison.Ordinal);
    }
}
