namespace LogiLlm.Optimizers;

/// <summary>Per-example results of an evaluation, in dataset order, and their mean score.</summary>
public sealed class EvaluationResult
{
    /// <summary>Results ordered by example index.</summary>
    public EvaluationResult(IReadOnlyList<ExampleResult> results, string metricName)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(metricName);
        Results = results;
        MetricName = metricName;
        MeanScore = results.Count == 0 ? 0 : results.Sum(r => r.Score) / results.Count;
        Failures = results.Count(r => !r.Succeeded);
    }

    /// <summary>One result per example, ordered by example index (not by completion).</summary>
    public IReadOnlyList<ExampleResult> Results { get; }

    /// <summary>Mean score over all examples, failures counting 0 (0 for an empty dataset).</summary>
    public double MeanScore { get; }

    /// <summary>Examples whose prediction failed or whose call threw.</summary>
    public int Failures { get; }

    /// <summary>Number of examples evaluated.</summary>
    public int Count => Results.Count;

    /// <summary>The metric's name.</summary>
    public string MetricName { get; }

    /// <inheritdoc />
    public override string ToString() => $"{MetricName} = {MeanScore:0.####} over {Count} examples ({Failures} failed)";
}
