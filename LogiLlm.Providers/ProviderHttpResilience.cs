using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LogiLlm.Providers;

/// <summary>
/// The SDKs' HttpClient: Microsoft.Extensions.Http.Resilience's <see cref="ResilienceHandler"/> with a total timeout,
/// retries of transient failures (408, 429, 5xx, network errors, attempt timeouts; exponential backoff with jitter,
/// <c>Retry-After</c> honoured) and a per-attempt timeout, all on <see cref="ProviderOptions.TimeProvider"/>.
/// The SDKs' own retries are off, so <see cref="ProviderOptions.MaxRetries"/> means what it says. Built per provider
/// rather than through IHttpClientFactory so that the registry (CLI, ModuleLoader) and the services share it, and so the
/// services' standard handler (a 30 s total timeout, too short for a completion) is not stacked on top of it.
/// </summary>
internal static partial class ProviderHttpResilience
{
    /// <summary>One attempt may take this long by default: a long completion is not a failure.</summary>
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The whole call, retries included, by default.</summary>
    public static readonly TimeSpan DefaultTotalTimeout = TimeSpan.FromMinutes(10);

    public const string LoggerCategory = "LogiLlm.Providers";

    public static TimeSpan AttemptTimeout(ProviderOptions o) => o.Timeout is { } t && t > TimeSpan.Zero ? t : DefaultAttemptTimeout;

    public static TimeSpan TotalTimeout(ProviderOptions o)
    {
        var total = o.TotalTimeout is { } t && t > TimeSpan.Zero ? t : DefaultTotalTimeout;
        return total < AttemptTimeout(o) ? AttemptTimeout(o) : total;
    }

    /// <summary>A timeout for the SDK's own clock that never fires before the pipeline's.</summary>
    public static TimeSpan SdkTimeout(ProviderOptions o) => TotalTimeout(o) + TimeSpan.FromMinutes(1);

    /// <summary>The HttpClient an SDK sends its requests with.</summary>
    public static HttpClient CreateHttpClient(string providerName, string model, ProviderOptions o)
    {
        var transport = o.HttpHandler is { } given
            ? new AttemptCountingHandler(given, ownsInner: false)
            : new AttemptCountingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, ownsInner: true);
        var handler = new ResilienceHandler(CreatePipeline(providerName, model, o)) { InnerHandler = transport };
        // The pipeline bounds the call; HttpClient's own 100 s default would cut a long completion.
        return new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public static ResiliencePipeline<HttpResponseMessage> CreatePipeline(string providerName, string model, ProviderOptions o)
    {
        var time = o.TimeProvider ?? TimeProvider.System;
        var logger = o.LoggerFactory?.CreateLogger(LoggerCategory) ?? NullLogger.Instance;
        var maxRetries = Math.Max(0, o.MaxRetries);
        var baseDelay = o.RetryBaseDelay < TimeSpan.Zero ? TimeSpan.Zero : o.RetryBaseDelay;
        var maxDelay = o.RetryMaxDelay < baseDelay ? baseDelay : o.RetryMaxDelay;

        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
            .AddTimeout(new HttpTimeoutStrategyOptions { Name = "llm-total-timeout", Timeout = TotalTimeout(o) });
        if (maxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "llm-retry",
                MaxRetryAttempts = maxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = baseDelay,
                MaxDelay = maxDelay,
                // Retry-After is read below so that it is bounded by MaxDelay like every other delay.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, time) is { } ra ? (TimeSpan?)(ra > maxDelay ? maxDelay : ra) : null),
                OnRetry = args =>
                {
                    var (status, kind) = Describe(args.Outcome);
                    LogRetrying(logger, providerName, model, status, kind, args.AttemptNumber + 1, maxRetries + 1, args.RetryDelay.TotalMilliseconds);
                    return default;
                },
            });
        }

        return builder
            .AddTimeout(new HttpTimeoutStrategyOptions { Name = "llm-attempt-timeout", Timeout = AttemptTimeout(o) })
            .Build();
    }

    /// <summary>The server's Retry-After (seconds or an HTTP date), or null.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage? response, TimeProvider time)
    {
        if (response?.Headers.RetryAfter is not RetryConditionHeaderValue value) return null;
        if (value.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (value.Date is { } date)
        {
            var wait = date - time.GetUtcNow();
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    private static (string Status, string Kind) Describe(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Result: { } r } => (((int)r.StatusCode).ToString(CultureInfo.InvariantCulture), "http"),
        { Exception: TimeoutRejectedException } => ("none", "timeout"),
        _ => ("none", "network"),
    };

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Provider {Provider} model {Model}: transient failure (status {StatusCode}, {Kind}) on attempt {Attempt} of at most {MaxAttempts}; retrying in {DelayMs:F0} ms")]
    private static partial void LogRetrying(ILogger logger, string provider, string model, string statusCode, string kind, int attempt, int maxAttempts, double delayMs);
}
