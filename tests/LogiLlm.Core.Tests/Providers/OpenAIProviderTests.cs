using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using static LogiLlm.Core.Tests.Providers.ProviderTestKit;

namespace LogiLlm.Core.Tests.Providers;

public sealed class OpenAIProviderTests : IAsyncLifetime
{
    private LoopbackLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Request_carries_messages_and_generation_settings_and_usage_is_read()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        using var spans = new ActivityCapture();
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers));

        var response = await provider.Client.GetResponseAsync(ClassificationMessages(), GenerationOptions());

        Assert.Equal("category: billing", response.Text);
        Assert.Equal(42, response.Usage?.InputTokenCount);
        Assert.Equal(7, response.Usage?.OutputTokenCount);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer " + SecretKey, request.Headers["authorization"]);
        var body = request.Body;
        Assert.Equal("gpt-4.1-mini", (string?)body["model"]);
        var messages = body["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "user"], messages.Select(m => (string)m!["role"]!).ToArray());
        Assert.Equal("Classify the email into a category.", ContentText(messages[0]!));
        Assert.Equal("email: I was charged twice", ContentText(messages[1]!));
        Assert.Equal("category: billing", ContentText(messages[2]!));
        Assert.Equal("email: Please refund my order", ContentText(messages[3]!));
        Assert.Equal(0.3, (double)body["temperature"]!, 3);
        Assert.Equal(0.9, (double)body["top_p"]!, 3);
        Assert.Equal(123, (int)(body["max_completion_tokens"] ?? body["max_tokens"])!);
        Assert.Equal("\n\n", (string?)(body["stop"] is System.Text.Json.Nodes.JsonArray a ? a[0] : body["stop"]));
        Assert.Equal(7, (long)body["seed"]!);

        AssertNoSecretInLogs(logs);
        Assert.NotEmpty(spans.Activities);
        AssertNoSecretInActivities(spans.Activities);
    }

    [Fact]
    public async Task Server_error_is_retried_MaxRetries_times_then_surfaces_as_ProviderException()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        const int maxRetries = 2;
        _server.Enqueue(Enumerable.Repeat(new StubReply(500), 10).ToArray());
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers, maxRetries));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.Equal(1 + maxRetries, _server.Requests.Count);
        Assert.Equal(500, ex.StatusCode);
        Assert.True(ex.IsTransient);
        Assert.Equal("openai", ex.ProviderName);
        Assert.Equal(1 + maxRetries, ex.Attempts);
        Assert.Contains("HTTP 500", ex.Message);
        Assert.Contains("3 attempt(s)", ex.Message);
        Assert.DoesNotContain(SecretKey, ex.ToString());
        AssertNoSecretInLogs(logs);
        Assert.Contains(logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(400)]
    public async Task Client_errors_are_not_retried(int status)
    {
        var (loggers, logs) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(status), new StubReply(status), new StubReply(status));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers, maxRetries: 3));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.Single(_server.Requests);
        Assert.Equal(status, ex.StatusCode);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, ex.Attempts);
        Assert.DoesNotContain(SecretKey, ex.ToString());
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Unauthorized_message_points_at_the_key_without_showing_it()
    {
        var (loggers, _) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(401));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.Contains("HTTP 401", ex.Message);
        Assert.Contains("API key", ex.Message);
        Assert.DoesNotContain(SecretKey, ex.Message);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    [InlineData(408)]
    public async Task Transient_failure_then_success_returns_the_answer(int status)
    {
        var (loggers, _) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(status));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers, maxRetries: 2));

        var response = await provider.Client.GetResponseAsync(ClassificationMessages());

        Assert.Equal("category: billing", response.Text);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Zero_MaxRetries_sends_exactly_one_request()
    {
        var (loggers, _) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(503), new StubReply(503));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers, maxRetries: 0));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.Single(_server.Requests);
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_ProviderException()
    {
        var (loggers, _) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(Delay: TimeSpan.FromSeconds(20)));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers, maxRetries: 3));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => provider.Client.GetResponseAsync(ClassificationMessages(), cancellationToken: cts.Token));

        // Not retried: at most the one request (a loaded stub may not have read it before the cancellation).
        Assert.InRange(_server.Requests.Count, 0, 1);
    }

    [Fact]
    public async Task Key_echoed_by_the_server_is_redacted_from_the_exception_logs_and_spans()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        using var spans = new ActivityCapture();
        var echo = $$$"""{"error":{"message":"Incorrect API key provided: {{{SecretKey}}}","type":"invalid_request_error","code":"invalid_api_key"}}""";
        _server.Enqueue(new StubReply(401, echo));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.Equal(401, ex.StatusCode);
        Assert.DoesNotContain(SecretKey, ex.Message);
        Assert.DoesNotContain(SecretKey, ex.ToString());
        AssertNoSecretInLogs(logs);
        Assert.Contains(spans.Activities, a => a.Status == System.Diagnostics.ActivityStatusCode.Error);
        AssertNoSecretInActivities(spans.Activities);
    }

    [Fact]
    public async Task Connection_refused_is_a_transient_network_failure_and_is_retried()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        var dead = await LoopbackLlmServer.StartAsync();
        var deadEndpoint = dead.OpenAIEndpoint;
        await dead.DisposeAsync();
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(deadEndpoint, loggers, maxRetries: 2));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.Client.GetResponseAsync(ClassificationMessages()));

        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
        Assert.Equal(3, ex.Attempts);
        Assert.Contains("network error", ex.Message);
        Assert.Equal(2, logs.GetSnapshot().Count(r => r.Category == "LogiLlm.Providers" && r.Level == Microsoft.Extensions.Logging.LogLevel.Warning));
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Streaming_answer_arrives_and_a_failure_before_the_first_update_is_retried()
    {
        var (loggers, _) = CapturingLoggerFactory();
        _server.Enqueue(new StubReply(502), new StubReply(200, StreamBody(), ContentType: "text/event-stream"));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", Options(_server.OpenAIEndpoint, loggers));

        var text = new System.Text.StringBuilder();
        await foreach (var update in provider.Client.GetStreamingResponseAsync(ClassificationMessages()))
            text.Append(update.Text);

        Assert.Equal("category: billing", text.ToString());
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Azure_openai_uses_the_v1_path_and_the_api_key_header()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        var provider = IsolatedRegistry().CreateProvider("azure-openai", "my-gpt-deployment", Options(_server.BaseUri, loggers));

        var response = await provider.Client.GetResponseAsync(ClassificationMessages(), GenerationOptions());

        Assert.Equal("category: billing", response.Text);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/openai/v1/chat/completions", request.Path);
        Assert.Equal(SecretKey, request.Headers["api-key"]);
        Assert.Equal("my-gpt-deployment", (string?)request.Body["model"]);
        Assert.Equal(0.3, (double)request.Body["temperature"]!, 3);
        Assert.Equal("azure-openai", provider.Name);
        Assert.Equal("AzureOpenAIProvider", provider.ProviderClass);
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Azure_key_comes_from_AZURE_OPENAI_API_KEY()
    {
        var registry = IsolatedRegistry(new Dictionary<string, string> { ["AZURE_OPENAI_API_KEY"] = SecretKey });
        var provider = registry.CreateProvider("azure-openai", "dep", new ProviderOptions { Endpoint = _server.BaseUri, MaxRetries = 0 });

        await provider.Client.GetResponseAsync(ClassificationMessages());

        Assert.Equal(SecretKey, Assert.Single(_server.Requests).Headers["api-key"]);
    }

    [Fact]
    public async Task Openai_compatible_talks_to_the_given_endpoint_and_never_sends_OPENAI_API_KEY_implicitly()
    {
        var registry = IsolatedRegistry(new Dictionary<string, string> { ["OPENAI_API_KEY"] = SecretKey });
        var provider = registry.CreateProvider("openai-compatible", "llama-3-8b", new ProviderOptions { Endpoint = _server.OpenAIEndpoint, MaxRetries = 0 });

        var response = await provider.Client.GetResponseAsync(ClassificationMessages(), GenerationOptions());

        Assert.Equal("category: billing", response.Text);
        var request = Assert.Single(_server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.DoesNotContain(SecretKey, request.Headers.GetValueOrDefault("authorization") ?? string.Empty);
        Assert.Equal("llama-3-8b", (string?)request.Body["model"]);
        Assert.Equal(_server.OpenAIEndpoint.ToString(), (string?)provider.Config["endpoint"]);
    }

    [Fact]
    public async Task Openai_key_comes_from_OPENAI_API_KEY_when_options_have_none()
    {
        var registry = IsolatedRegistry(new Dictionary<string, string> { ["OPENAI_API_KEY"] = SecretKey });
        var provider = registry.CreateProvider("openai", "gpt-4.1-mini", new ProviderOptions { Endpoint = _server.OpenAIEndpoint, MaxRetries = 0 });

        await provider.Client.GetResponseAsync(ClassificationMessages());

        Assert.Equal("Bearer " + SecretKey, Assert.Single(_server.Requests).Headers["authorization"]);
        Assert.DoesNotContain(SecretKey, provider.ToString());
    }

    private static string ContentText(System.Text.Json.Nodes.JsonNode message)
    {
        var content = message["content"]!;
        return content is System.Text.Json.Nodes.JsonArray parts
            ? string.Concat(parts.Select(p => (string?)p!["text"]))
            : (string)content!;
    }

    private static string StreamBody()
    {
        static string Chunk(string? content, string? finish) => "data: " + new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = "chatcmpl-stream",
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = "gpt-4.1-mini",
            ["choices"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
            {
                ["index"] = 0,
                ["delta"] = content is null ? new System.Text.Json.Nodes.JsonObject() : new System.Text.Json.Nodes.JsonObject { ["content"] = content },
                ["finish_reason"] = finish,
            }),
        }.ToJsonString() + "\n\n";
        return Chunk("category: ", null) + Chunk("billing", null) + Chunk(null, "stop") + "data: [DONE]\n\n";
    }
}
