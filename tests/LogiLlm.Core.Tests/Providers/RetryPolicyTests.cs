using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using static LogiLlm.Core.Tests.Providers.ProviderTestKit;

namespace LogiLlm.Core.Tests.Providers;

/// <summary>
/// The transport's resilience pipeline (Microsoft.Extensions.Http.Resilience on the SDK's HttpClient) on a fake clock:
/// the test arms nothing itself, it waits for the request or the timer the code made, then moves time.
/// </summary>
public sealed class RetryPolicyTests : IAsyncLifetime
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(40);
    private LoopbackLlmServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackLlmServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static ProviderOptions ClockedOptions(Uri endpoint, Microsoft.Extensions.Logging.ILoggerFactory loggers, ObservedClock clock, int maxRetries)
    {
        var options = Options(endpoint, loggers, maxRetries);
        options.TimeProvider = clock;
        options.Timeout = AttemptTimeout;
        return options;
    }

    [Fact]
    public async Task Timeout_is_transient_and_retried()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        var clock = new ObservedClock();
        var ct = TestTimeout();
        _server.Enqueue(new StubReply(Delay: Timeout.InfiniteTimeSpan), new StubReply(Delay: Timeout.InfiniteTimeSpan));
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", ClockedOptions(_server.OpenAIEndpoint, loggers, clock, maxRetries: 1));

        var call = provider.Client.GetResponseAsync(ClassificationMessages(), cancellationToken: ct);
        await _server.NextRequestAsync(ct);
        clock.Advance(AttemptTimeout);
        await _server.NextRequestAsync(ct);
        clock.Advance(AttemptTimeout);
        var ex = await Assert.ThrowsAsync<ProviderException>(() => call);

        Assert.True(ex.IsTransient);
        Assert.Null(ex.StatusCode);
        Assert.Contains("timeout", ex.Message);
        Assert.Equal(2, ex.Attempts);
        Assert.Equal(2, _server.Requests.Count);
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Retry_waits_the_Retry_After_the_server_asks_for_then_succeeds()
    {
        var (loggers, _) = CapturingLoggerFactory();
        var clock = new ObservedClock();
        var ct = TestTimeout();
        _server.Enqueue(new StubReply(429, Headers: new Dictionary<string, string> { ["Retry-After"] = "7" }));
        var options = ClockedOptions(_server.OpenAIEndpoint, loggers, clock, maxRetries: 2);
        options.RetryMaxDelay = TimeSpan.FromSeconds(30);
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", options);

        var call = provider.Client.GetResponseAsync(ClassificationMessages(), cancellationToken: ct);
        var delay = await clock.NextTimerAsync(d => d < AttemptTimeout, ct);
        Assert.Single(_server.Requests);
        clock.Advance(delay);
        var response = await call;

        Assert.Equal(TimeSpan.FromSeconds(7), delay);
        Assert.Equal("category: billing", response.Text);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task Retry_After_longer_than_RetryMaxDelay_is_bounded_by_it()
    {
        var (loggers, _) = CapturingLoggerFactory();
        var clock = new ObservedClock();
        var ct = TestTimeout();
        _server.Enqueue(new StubReply(503, Headers: new Dictionary<string, string> { ["Retry-After"] = "30" }));
        var options = ClockedOptions(_server.OpenAIEndpoint, loggers, clock, maxRetries: 1);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        options.RetryMaxDelay = TimeSpan.FromMilliseconds(1000);
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", options);

        var call = provider.Client.GetResponseAsync(ClassificationMessages(), cancellationToken: ct);
        var delay = await clock.NextTimerAsync(d => d < AttemptTimeout, ct);
        clock.Advance(delay);
        await call;

        Assert.Equal(1000, delay.TotalMilliseconds, 3);
    }

    [Fact]
    public async Task Retry_delay_grows_and_is_bounded()
    {
        var (loggers, _) = CapturingLoggerFactory();
        var clock = new ObservedClock();
        var ct = TestTimeout();
        const int retries = 12;
        _server.Enqueue(Enumerable.Repeat(new StubReply(503), retries + 1).ToArray());
        var options = ClockedOptions(_server.OpenAIEndpoint, loggers, clock, maxRetries: retries);
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(100);
        options.RetryMaxDelay = TimeSpan.FromMilliseconds(1000);
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", options);

        var call = provider.Client.GetResponseAsync(ClassificationMessages(), cancellationToken: ct);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < retries; i++)
        {
            var delay = await clock.NextTimerAsync(d => d < AttemptTimeout, ct);
            delays.Add(delay);
            clock.Advance(delay);
        }

        var ex = await Assert.ThrowsAsync<ProviderException>(() => call);
        Assert.Equal(retries + 1, ex.Attempts);
        Assert.Equal(retries + 1, _server.Requests.Count);
        Assert.All(delays, d => Assert.InRange(d.TotalMilliseconds, 0.001, 1000));
        // Exponential with jitter (Polly's): the late delays reach the bound, the first ones are well under it.
        Assert.Equal(1000, delays[^1].TotalMilliseconds, 3);
        Assert.True(delays.Take(2).Average(d => d.TotalMilliseconds) < delays.TakeLast(2).Average(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task Total_timeout_ends_the_call_across_retries()
    {
        var (loggers, logs) = CapturingLoggerFactory();
        var clock = new ObservedClock();
        var ct = TestTimeout();
        _server.Enqueue(Enumerable.Repeat(new StubReply(Delay: Timeout.InfiniteTimeSpan), 5).ToArray());
        var options = ClockedOptions(_server.OpenAIEndpoint, loggers, clock, maxRetries: 4);
        options.TotalTimeout = TimeSpan.FromSeconds(60);
        var provider = IsolatedRegistry().CreateProvider("openai", "gpt-4.1-mini", options);

        var call = provider.Client.GetResponseAsync(ClassificationMessages(), cancellationToken: ct);
        await _server.NextRequestAsync(ct);
        clock.Advance(AttemptTimeout);
        await _server.NextRequestAsync(ct);
        clock.Advance(TimeSpan.FromSeconds(20));
        var ex = await Assert.ThrowsAsync<ProviderException>(() => call);

        Assert.True(ex.IsTransient);
        Assert.Contains("timeout", ex.Message);
        Assert.Equal(2, ex.Attempts);
        Assert.Equal(2, _server.Requests.Count);
        AssertNoSecretInLogs(logs);
    }

    [Fact]
    public async Task Anthropic_transport_retries_on_the_same_pipeline()
    {
        var (loggers, _) = CapturingLoggerFactory();
        var clock = new ObservedClock();
        var ct = TestTimeout();
        _server.Enqueue(new StubReply(529, Headers: new Dictionary<string, string> { ["Retry-After"] = "3" }));
        var options = ClockedOptions(_server.BaseUri, loggers, clock, maxRetries: 1);
        options.RetryMaxDelay = TimeSpan.FromSeconds(30);
        var provider = IsolatedRegistry().CreateProvider("anthropic", "claude-sonnet-4-5", options);

        var call = provider.Client.GetResponseAsync(ClassificationMessages(), cancellationToken: ct);
        var delay = await clock.NextTimerAsync(d => d < AttemptTimeout, ct);
        clock.Advance(delay);
        var response = await call;

        Assert.Equal(TimeSpan.FromSeconds(3), delay);
        Assert.Equal("category: billing", response.Text);
        Assert.Equal(2, _server.Requests.Count);
    }
}
