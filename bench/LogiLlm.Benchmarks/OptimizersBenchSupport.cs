using LogiLlm.Optimizers;
using LogiLlm.Providers;
using LogiLlm.Tests.Shared;
using Microsoft.Extensions.AI;

namespace LogiLlm.Benchmarks;

/// <summary>The optimizer benchmark's fixture: a 200-email dataset and a model that takes a fixed time per call.</summary>
internal static class OptimizersBenchSupport
{
    public const int DatasetSize = 200;
    public const int CallMilliseconds = 20;

    private static readonly (string Label, string Keyword)[] Labels =
        [("refund_request", "refund"), ("order_status", "parcel"), ("technical_support", "crashes"), ("feedback", "thanks")];

    public static IReadOnlyList<Example> Emails(int count = DatasetSize) =>
        Enumerable.Range(0, count)
            .Select(i => Example.Create(new { email = $"Message {i}: something about {Labels[i % Labels.Length].Keyword} here" }, new { category = Labels[i % Labels.Length].Label }))
            .ToArray();

    public static Predict Classifier(IChatClient client) => new("email: str -> category: str")
    {
        Provider = new Provider("latency", "latency-model", client),
        ProviderRegistry = new ProviderRegistry(registerBuiltIns: false),
    };

    public static BootstrapFewShot Optimizer(int concurrency) =>
        new(new AccuracyMetric("category"), maxExamples: 5, options: new OptimizerOptions { MaxConcurrency = concurrency, Seed = 0 });

    /// <summary>A model that awaits <see cref="CallMilliseconds"/> per call, then answers by keyword; counts calls.</summary>
    public static DelegateChatClient LatencyChatClient(int milliseconds = CallMilliseconds) => new(async (messages, _, cancellationToken) =>
    {
        await Task.Delay(milliseconds, cancellationToken).ConfigureAwait(false);
        var text = messages.Last(m => m.Role == ChatRole.User).Text;
        return Labels.FirstOrDefault(l => text.Contains(l.Keyword, StringComparison.Ordinal)).Label ?? "unknown";
    });
}
