namespace LogiLlm.Optimizers;

/// <summary>A metric from a delegate; results are clamped into [0, 1] (NaN counts as 0).</summary>
/// <example><c>new DelegateMetric("short_answer", (example, prediction) => prediction.Get&lt;string&gt;("answer").Length &lt; 50 ? 1 : 0)</c></example>
public sealed class DelegateMetric : IMetric
{
    private readonly Func<Example, Prediction, double> _score;

    /// <summary>A metric named <paramref name="name"/> computed by <paramref name="score"/>.</summary>
    public DelegateMetric(string name, Func<Example, Prediction, double> score)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(score);
        Name = name;
        _score = score;
    }

    /// <summary>A pass/fail metric: true scores 1, false 0.</summary>
    public DelegateMetric(string name, Func<Example, Prediction, bool> passes)
        : this(name, WrapBool(passes))
    {
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public double Score(Example example, Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(prediction);
        return MetricText.Clamp(_score(example, prediction));
    }

    private static Func<Example, Prediction, double> WrapBool(Func<Example, Prediction, bool> passes)
    {
        ArgumentNullException.ThrowIfNull(passes);
        return (example, prediction) => passes(example, prediction) ? 1 : 0;
    }
}
