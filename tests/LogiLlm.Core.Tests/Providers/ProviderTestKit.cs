using System.Diagnostics;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LogiLlm.Core.Tests.Providers;

/// <summary>Shared inputs for the provider wire tests.</summary>
internal static class ProviderTestKit
{
    public const string SecretKey = "sk-test-SECRET-0123456789abcdef";

    /// <summary>System prompt, one demo pair, then the real input — the shape adapters produce.</summary>
    public static List<ChatMessage> ClassificationMessages() =>
    [
        new(ChatRole.System, "Classify the email into a category."),
        new(ChatRole.User, "email: I was charged twice"),
        new(ChatRole.Assistant, "category: billing"),
        new(ChatRole.User, "email: Please refund my order"),
    ];

    public static ChatOptions GenerationOptions() => new()
    {
        Temperature = 0.3f,
        TopP = 0.9f,
        MaxOutputTokens = 123,
        StopSequences = ["\n\n"],
        Seed = 7,
    };

    /// <summary>A registry whose environment is empty, so a developer's real keys never leak into tests.</summary>
    public static ProviderRegistry IsolatedRegistry(IReadOnlyDictionary<string, string>? env = null) =>
        new(registerBuiltIns: true, name => env is not null && env.TryGetValue(name, out var v) ? v : null);

    /// <summary>A bound for every wait of a test on something the code under test does.</summary>
    public static CancellationToken TestTimeout() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    public static ProviderOptions Options(Uri endpoint, ILoggerFactory loggerFactory, int maxRetries = 2) => new()
    {
        ApiKey = SecretKey,
        Endpoint = endpoint,
        MaxRetries = maxRetries,
        // Retries follow at once and timeouts run on a clock that only the test moves: nothing here waits on real time.
        RetryBaseDelay = TimeSpan.Zero,
        RetryMaxDelay = TimeSpan.FromMilliseconds(5),
        TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(),
        LoggerFactory = loggerFactory,
    };

    /// <summary>A logger factory whose FakeLogCollector sees every level.</summary>
    public static (ILoggerFactory Factory, FakeLogCollector Collector) CapturingLoggerFactory()
    {
        var collector = new FakeLogCollector();
        var factory = LoggerFactory.Create(b => b
            .SetMinimumLevel(LogLevel.Trace)
            .AddProvider(new FakeLoggerProvider(collector)));
        return (factory, collector);
    }

    public static void AssertNoSecretInLogs(FakeLogCollector collector)
    {
        foreach (var record in collector.GetSnapshot())
        {
            Assert.DoesNotContain(SecretKey, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretKey, record.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            foreach (var (_, value) in record.StructuredState ?? [])
                Assert.DoesNotContain(SecretKey, value ?? string.Empty, StringComparison.Ordinal);
        }
    }

    /// <summary>Records the LogiLlm telemetry spans started while it is alive.</summary>
    public sealed class ActivityCapture : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly List<Activity> _activities = [];

        public ActivityCapture()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == ProviderPipeline.TelemetrySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a => { lock (_activities) _activities.Add(a); },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Activities { get { lock (_activities) return _activities.ToArray(); } }

        public void Dispose() => _listener.Dispose();
    }

    public static void AssertNoSecretInActivities(IEnumerable<Activity> activities)
    {
        foreach (var a in activities)
        {
            Assert.DoesNotContain(SecretKey, a.DisplayName, StringComparison.Ordinal);
            Assert.DoesNotContain(SecretKey, a.StatusDescription ?? string.Empty, StringComparison.Ordinal);
            foreach (var tag in a.TagObjects)
                Assert.DoesNotContain(SecretKey, tag.Value?.ToString() ?? string.Empty, StringComparison.Ordinal);
            foreach (var ev in a.Events)
                foreach (var tag in ev.Tags)
                    Assert.DoesNotContain(SecretKey, tag.Value?.ToString() ?? string.Empty, StringComparison.Ordinal);
        }
    }
}
