using System.Collections.Concurrent;
using System.Text;

namespace LogiLlm.LocalModel;

/// <summary>
/// Sample datasets that ship inside this assembly (embedded resources), for demos, tests and the trainer's
/// "named sample" option. <c>emails</c>: 108 hand-written customer-support emails in 6 categories (72 train, 36 dev).
/// </summary>
public static class SampleDatasets
{
    /// <summary>The signature that fits the <c>emails</c> dataset.</summary>
    public const string EmailsSignature =
        "email: str -> category: Literal['cancellation', 'order_status', 'refund_request', 'feedback', 'billing_issue', 'technical_support']";

    private const string ResourcePrefix = "LogiLlm.LocalModel.Samples.";

    private static readonly IReadOnlyDictionary<string, string> Signatures = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["emails"] = EmailsSignature,
    };

    private static readonly ConcurrentDictionary<string, SampleDataset> Loaded = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Names of the shipped datasets.</summary>
    public static IReadOnlyList<string> Names { get; } = Signatures.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The dataset called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">No such sample; the message lists the names.</exception>
    public static SampleDataset Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Signatures.TryGetValue(name.Trim(), out var signature))
        {
            throw new KeyNotFoundException($"No sample dataset named '{name}'. Samples: {string.Join(", ", Names)}.");
        }

        var key = name.Trim().ToLowerInvariant();
        return Loaded.GetOrAdd(key, k => new SampleDataset(k, signature, Read(k, "README.md"), Read(k, "train.jsonl"), Read(k, "dev.jsonl")));
    }

    private static string Read(string dataset, string file)
    {
        var resource = $"{ResourcePrefix}{dataset}/{file}";
        using var stream = typeof(SampleDatasets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The sample resource '{resource}' is missing from {typeof(SampleDatasets).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
