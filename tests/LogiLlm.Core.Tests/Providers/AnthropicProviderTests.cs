using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using static LogiLlm.Core.Tests.Providers.ProviderTestKit;

namespace LogiLlm.Core.Tests.Providers;

public sealed class AnthropicProviderTests : IAsyncLifetime
{
    private LoopbackLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Request_carries_system_demo_pairs_input_and_generation_settings_and_usage_is_read()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        using var spans = new ActivityCapture();
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", Options(_server.BaseUri, loggers));

        var response = await provider.Client.GetResponseAsync(ClassificationMessages(), GenerationOptions());

        Assert.Equal("category: billing", response.Text);
        Assert.Equal(42, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/messages", request.Path);
        Assert.True(
            request.Headers.GetValueOrDefault("x-api-key") == SecretKey || request.Headers.GetValueOrDefault("authorization") == "Bearer " + SecretKey,
            "the API key must be sent");
        var body = request.Body;
        Assert.Equal("claude-sonnet-4-5", (string?)body["model"]);
        Assert.Equal("Classify the email into a category.", SystemText(body["system"]));
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => (string)m!["role"]!).ToArray());
        Assert.Equal("email: I was charged twice", ContentText(messages[0]!));
        Assert.Equal("category: billing", ContentText(messages[1]!));
        Assert.Equal("email: Please refund my order", ContentText(messages[2]!));
        Assert.Equal(0.3, (double)body["temperature"]!, 3);
        Assert.Equal(0.9, (double)body["top_p"]!, 3);
        Assert.Equal(123, (int)body["max_tokens"]!);
        Assert.Equal("\n\n", (string?)body["stop_sequences"]![0]);

        AssertNoSecretInLogs(logs);
        AssertNoSecretInActivities(spans.Activities);
    }

    [Fact]
    public async Task Max_tokens_defaults_when_the_call_sets_none()
    {
        var (loggers, _) = CapturingLoggerFactory();
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", Options(_server.BaseUri, loggers));

        await provider.Client.GetResponseAsync(ClassificationMessages());

        var body = Assert.Single(_server.Requests).Body;
        Assert.Equal(4096, (int)body["max_tokens"]!);
        Assert.False(body.ContainsKey("temperature"));
        Assert.False(body.ContainsKey("top_p"));
    }

    [Fact]
    public async Task Server_error_is_retried_MaxRetries_times_then_surfaces_as_ProviderException()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        const int maxRetries = 3;
        _server.Enqueue(Enumerable.Repeat(new StubReply(500), 10).ToArray());
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", Options(_server.BaseUri, loggers, maxRetries));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.Equal(1 + maxRetries, _server.Requests.Count);
        Assert.Equal(500, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Equal("anthropic", ex.ProviderName);
        Assert.Contains("HTTP 500", ex.Message);
        Assert.DoesNotContain(SecretKey, ex.ToString());
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Unauthorized_is_not_retried()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(401), new StubReply(401));
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", Options(_server.BaseUri, loggers, maxRetries: 3));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.Single(_server.Requests);
        Assert.Equal(401, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.DoesNotContain(SecretKey, ex.ToString());
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Rate_limit_then_success_returns_the_answer()
    {
        var (loggers, _) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(429));
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", Options(_server.BaseUri, loggers));

        var response = await provider.Client.GetResponseAsync(ClassificationMessages());

        Assert.Equal("category: billing", response.Text);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Key_echoed_by_the_server_is_redacted()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        var echo = $$$"""{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key: {{{SecretKey}}}"}}""";
        _server.Enqueue(new StubReply(401, echo));
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", Options(_server.BaseUri, loggers));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.DoesNotContain(SecretKey, ex.ToString());
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Key_comes_from_ANTHROPIC_API_KEY_when_options_have_none()
    {
        var registry = IsolatedRegistry(new Dictionary<string, string> { ["ANTHROPIC_API_KEY"] = SecretKey });
        var provider = registry.CreateProvider("anthropic", null, new ProviderOptions { Endpoint = _server.BaseUri, MaxRetries = 0 });

        await provider.Client.GetResponseAsync(ClassificationMessages());

        var request = Assert.Single(_server.Requests);
        Assert.Contains(SecretKey, request.Headers.GetValueOrDefault("x-api-key") + request.Headers.GetValueOrDefault("authorization"));
        Assert.Equal("claude-sonnet-4-5", provider.Model);
    }

    private static string SystemText(System.Text.Json.Nodes.JsonNode? system) =>
        system is System.Text.Json.Nodes.JsonArray parts ? string.Concat(parts.Select(p => (string?)p!["text"])) : (string)system!;

    private static string ContentText(System.Text.Json.Nodes.JsonNode message)
    {
        var content = message["content"]!;
        return content is System.Text.Json.Nodes.JsonArray parts
            ? string.Concat(parts.Select(p => (string?)p!["text"]))
            : (string)content!;
    }
}
