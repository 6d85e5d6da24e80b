using LogiLlm.Optimizers;
using LogiLlm.Signatures;

namespace LogiLlm.Cli;

/// <summary>Parses <c>--metric</c>: <c>accuracy[:field]</c>, <c>exact-match</c>, <c>f1[:field]</c>.</summary>
public static class MetricSpec
{
    /// <summary>The metrics <c>--metric</c> accepts.</summary>
    public static readonly string[] Names = ["accuracy", "exact-match", "f1"];

    /// <summary>Creates the metric; without a field, the signature's first output field is scored.</summary>
    /// <exception cref="CliException">Unknown metric or a field that is not an output of the signature.</exception>
    public static IMetric Create(string? spec, Signature signature)
    {
        var text = string.IsNullOrWhiteSpace(spec) ? "accuracy" : spec.Trim();
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = colon < 0 ? text : text[..colon];
        var field = colon < 0 ? null : text[(colon + 1)..];
        var outputs = signature.OutputFields.Select(f => f.Name).ToList();
        if (field is not null && !outputs.Contains(field, StringComparer.Ordinal))
        {
            throw CliException.BadInput($"--metric '{text}': '{field}' is not an output field of the signature (outputs: {string.Join(", ", outputs)}).");
        }

        var key = field ?? outputs.FirstOrDefault() ?? throw CliException.BadInput("the signature has no output field to score.");
        return name switch
        {
            "accuracy" => new AccuracyMetric(key, trim: true),
            "exact-match" => new ExactMatchMetric(trim: true),
            "f1" => new F1Metric(key),
            _ => throw CliException.BadInput($"--metric '{text}': unknown metric '{name}' (use {string.Join(", ", Names)}, optionally with :field)."),
        };
    }

    /// <summary>The output field a metric scores (for per-label tables), or null when it scores all outputs.</summary>
    public static string? KeyOf(IMetric metric) => metric switch
    {
        AccuracyMetric a => a.Key,
        F1Metric f => f.Key,
        _ => null,
    };
}
