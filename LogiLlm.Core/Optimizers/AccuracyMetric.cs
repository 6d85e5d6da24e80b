namespace LogiLlm.Optimizers;

/// <summary>
/// 1 when the predicted value of one output field equals the expected one, else 0 (LogiLLM's
/// <c>accuracy_metric</c> for a key). Comparison is exact by default; <see cref="Trim"/> and
/// <see cref="IgnoreCase"/> opt in to normalisation. Non-string values compare by their compact JSON text.
/// </summary>
/// <example><c>new AccuracyMetric("category", ignoreCase: true)</c></example>
public sealed class AccuracyMetric : IMetric
{
    /// <summary>A metric comparing output <paramref name="key"/>.</summary>
    /// <param name="key">The output field to compare.</param>
    /// <param name="trim">Ignore leading and trailing white space.</param>
    /// <param name="ignoreCase">Compare case-insensitively (invariant culture).</param>
    public AccuracyMetric(string key, bool trim = false, bool ignoreCase = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        Key = key;
        Trim = trim;
        IgnoreCase = ignoreCase;
    }

    /// <summary>The output field compared.</summary>
    public string Key { get; }

    /// <summary>Whether white space around values is ignored.</summary>
    public bool Trim { get; }

    /// <summary>Whether case is ignored.</summary>
    public bool IgnoreCase { get; }

    /// <inheritdoc />
    public string Name => $"accuracy({Key})";

    /// <inheritdoc />
    /// <remarks>0 for a failed prediction, or when the example or the prediction lacks the field.</remarks>
    public double Score(Example example, Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(prediction);
        if (!prediction.Success
            || !example.Outputs.TryGetValue(Key, out var expected)
            || !prediction.Outputs.TryGetValue(Key, out var actual))
        {
            return 0;
        }

        return Matches(expected, actual, Trim, IgnoreCase) ? 1 : 0;
    }

    internal static bool Matches(System.Text.Json.Nodes.JsonNode? expected, object? actual, bool trim, bool ignoreCase) =>
        string.Equals(
            MetricText.Normalize(MetricText.OfExpected(expected), trim, ignoreCase),
            MetricText.Normalize(MetricText.OfPredicted(actual), trim, ignoreCase),
            StringComparison.Ordinal);
}
