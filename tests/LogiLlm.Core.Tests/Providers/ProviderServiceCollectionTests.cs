using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static LogiLlm.Core.Tests.Providers.ProviderTestKit;

namespace LogiLlm.Core.Tests.Providers;

public sealed class ProviderServiceCollectionTests
{
    [Fact]
    public async Task AddLogiLlmProvider_registers_a_private_registry_with_the_container_logger_factory()
    {
        await using var server = await LoopbackLlmServer.StartAsync();
        var collector = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        services.AddLogiLlmProvider("openai", "gpt-4.1-mini", _ => new ProviderOptions { ApiKey = SecretKey, Endpoint = server.OpenAIEndpoint, MaxRetries = 0 });
        services.AddLogiLlmProviders((_, r) => r.RegisterFactory("local", (m, o) => new Provider("local", m ?? "tiny", o.ChatClient!)));
        await using var sp = services.BuildServiceProvider();

        var registry = sp.GetRequiredService<ProviderRegistry>();
        var provider = sp.GetRequiredService<Provider>();
        var client = sp.GetRequiredService<IChatClient>();

        Assert.NotSame(ProviderRegistry.Default, registry);
        Assert.Same(provider, registry.DefaultProvider);
        Assert.Same(provider.Client, client);
        Assert.True(registry.HasFactory("local"));

        var response = await client.GetResponseAsync(ClassificationMessages());
        Assert.Equal("category: billing", response.Text);
        Assert.NotEmpty(collector.GetSnapshot());
        AssertNoSecretInLogs(collector);
    }

    [Fact]
    public async Task AddLogiLlmChatClient_registers_the_configured_provider_with_AddChatClient_middleware_and_the_container_clock()
    {
        await using var server = await LoopbackLlmServer.StartAsync();
        server.Enqueue(new StubReply(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "5" }));
        var collector = new FakeLogCollector();
        var clock = new ObservedClock();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        services.AddSingleton<TimeProvider>(clock);
        services.AddLogiLlmChatClient(_ => new LogiLlm.Hosting.LlmSettings { Provider = "openai", Model = "gpt-4.1-mini", Endpoint = server.OpenAIEndpoint.ToString(), ApiKey = SecretKey })
            .UseLogiLlmTelemetryAndLogging();
        await using var sp = services.BuildServiceProvider();
        using var spans = new ActivityCapture();
        var ct = TestTimeout();

        var client = sp.GetRequiredService<IChatClient>();
        var provider = sp.GetRequiredService<Provider>();
        var call = client.GetResponseAsync(ClassificationMessages(), cancellationToken: ct);
        clock.Advance(await clock.NextTimerAsync(d => d <= TimeSpan.FromSeconds(30), ct));
        var response = await call;

        Assert.Same(client, provider.Client);
        Assert.Equal(("openai", "gpt-4.1-mini"), (provider.Name, provider.Model));
        Assert.NotNull(client.GetService<OpenTelemetryChatClient>());
        Assert.NotNull(client.GetService<LoggingChatClient>());
        Assert.Equal("category: billing", response.Text);
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains(spans.Activities, a => a.Source.Name == ProviderPipeline.TelemetrySourceName);
        AssertNoSecretInActivities(spans.Activities);
        Assert.Contains(collector.GetSnapshot(), r => r.Category == "LogiLlm.Providers" && r.Level == LogLevel.Warning);
        AssertNoSecretInLogs(collector);
    }

    [Fact]
    public void Registry_logger_factory_does_not_mutate_the_callers_options()
    {
        var (loggers, _) = CapturingLoggerFactory();
        var registry = IsolatedRegistry();
        registry.LoggerFactory = loggers;
        ProviderOptions? seen = null;
        registry.RegisterFactory("spy", (m, o) => { seen = o; return new Provider("spy", "m", new MockLikeClient()); });
        var options = new ProviderOptions();

        registry.CreateProvider("spy", options: options);

        Assert.Null(options.LoggerFactory);
        Assert.Same(loggers, seen!.LoggerFactory);
    }

    private sealed class MockLikeClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
