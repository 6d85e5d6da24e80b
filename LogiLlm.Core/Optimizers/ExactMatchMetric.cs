namespace LogiLlm.Optimizers;

/// <summary>
/// 1 when every expected output of the example equals the predicted one (see <see cref="AccuracyMetric"/>
/// for how values compare), else 0. Outputs the example does not list are not checked.
/// </summary>
public sealed class ExactMatchMetric : IMetric
{
    /// <summary>An exact-match metric with opt-in normalisation.</summary>
    public ExactMatchMetric(bool trim = false, bool ignoreCase = false)
    {
        Trim = trim;
        IgnoreCase = ignoreCase;
    }

    /// <summary>Whether white space around values is ignored.</summary>
    public bool Trim { get; }

    /// <summary>Whether case is ignored.</summary>
    public bool IgnoreCase { get; }

    /// <inheritdoc />
    public string Name => "exact_match";

    /// <inheritdoc />
    public double Score(Example example, Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(prediction);
        if (!prediction.Success || example.Outputs.Count == 0)
        {
            return 0;
        }

        foreach (var (key, expected) in example.Outputs)
        {
            if (!prediction.Outputs.TryGetValue(key, out var actual) || !AccuracyMetric.Matches(expected, actual, Trim, IgnoreCase))
            {
                return 0;
            }
        }

        return 1;
    }
}
