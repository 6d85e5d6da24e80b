using LogiLlm.Optimizers;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;

namespace LogiLlm.Core.Tests.Optimizers;

/// <summary>A four-label email task and scripted models whose answers depend on demos and temperature.</summary>
internal static class OptimizerTestKit
{
    public const string Signature = "email: str -> category: str";

    public static readonly (string Label, string Keyword)[] Labels =
    [
        ("refund_request", "refund"),
        ("order_status", "parcel"),
        ("technical_support", "crashes"),
        ("feedback", "thanks"),
    ];

    /// <summary><paramref name="count"/> examples cycling through the labels, each email naming its label's keyword.</summary>
    public static IReadOnlyList<Example> Emails(int count, int offset = 0) =>
        Enumerable.Range(offset, count)
            .Select(i =>
            {
                var (label, keyword) = Labels[i % Labels.Length];
                return Example.Create(new { email = $"Message {i}: something about {keyword} here" }, new { category = label });
            })
            .ToArray();

    /// <summary>The label whose keyword the text contains ("unknown" when none).</summary>
    public static string LabelOf(string text) =>
        Labels.FirstOrDefault(l => text.Contains(l.Keyword, StringComparison.Ordinal)).Label ?? "unknown";

    /// <summary>True when an assistant demo message in the request shows <paramref name="label"/>.</summary>
    public static bool HasDemoFor(ScriptedChatClient.RecordedRequest request, string label) =>
        request.Messages.Any(m => m.Role == ChatRole.Assistant && m.Text.Contains(label, StringComparison.Ordinal));

    /// <summary>True when the request's temperature is in [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static bool TemperatureIn(ScriptedChatClient.RecordedRequest request, float low, float high) =>
        request.Options?.Temperature is { } t && t >= low && t <= high;

    /// <summary>A model that answers right only when the prompt holds a demo of the right label (and <paramref name="extra"/> holds).</summary>
    public static ScriptedChatClient DemoAwareClient(Func<ScriptedChatClient.RecordedRequest, bool>? extra = null) =>
        new ScriptedChatClient().When(_ => true, request =>
        {
            var label = LabelOf(request.LastUserText);
            return HasDemoFor(request, label) && (extra?.Invoke(request) ?? true) ? label : "unknown";
        });

    /// <summary>A model that answers right only at a temperature in [low, high].</summary>
    public static ScriptedChatClient TemperatureBandClient(float low, float high) =>
        new ScriptedChatClient().When(_ => true, request =>
            TemperatureIn(request, low, high) ? LabelOf(request.LastUserText) : "unknown");

    public static Predict Classifier(IChatClient client) => new(Signature)
    {
        Provider = new Provider("scripted", "scripted-model", client),
        ProviderRegistry = new ProviderRegistry(registerBuiltIns: false),
    };

    /// <summary>A file under the shared data folder beside the repository (found from the source file or the binaries).</summary>
    public static string SharedData(string relative, [System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(source)!, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data", relative);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"shared/data/{relative} not found above the tests.");
    }

    public static OptimizerOptions Options(int seed = 7, int concurrency = 4) => new() { Seed = seed, MaxConcurrency = concurrency };

    /// <summary>A comparable text of a history (phase, config, score per trial).</summary>
    public static string Describe(IEnumerable<OptimizationTrial> history) =>
        string.Join("\n", history.Select(t => $"{t.Number}|{t.Phase}|{t.Config.ToJsonString()}|{t.Score:R}|{t.Failures}"));

    /// <summary>Collects progress reports synchronously (Progress&lt;T&gt; would post them later).</summary>
    public sealed class Recorder<T> : IProgress<T>
    {
        private readonly Lock _gate = new();
        private readonly List<T> _items = [];

        public IReadOnlyList<T> Items
        {
            get
            {
                lock (_gate)
                {
                    return _items.ToArray();
                }
            }
        }

        public void Report(T value)
        {
            lock (_gate)
            {
                _items.Add(value);
            }
        }
    }
}
