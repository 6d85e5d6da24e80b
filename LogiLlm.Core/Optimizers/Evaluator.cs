namespace LogiLlm.Optimizers;

/// <summary>
/// Runs a module over a dataset with at most <see cref="MaxConcurrency"/> calls in flight and scores each
/// prediction with a metric. A failed prediction, a provider exception or a metric exception scores 0 and is
/// counted in <see cref="EvaluationResult.Failures"/> rather than thrown; cancellation is thrown.
/// </summary>
/// <example>
/// <code>
/// var result = await new Evaluator(new AccuracyMetric("category"), maxConcurrency: 8).EvaluateAsync(classifier, devset);
/// Console.WriteLine(result.MeanScore);
/// </code>
/// </example>
public sealed class Evaluator
{
    private int _maxConcurrency;

    /// <summary>An evaluator scoring with <paramref name="metric"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxConcurrency"/> is less than 1.</exception>
    public Evaluator(IMetric metric, int maxConcurrency = 4)
    {
        ArgumentNullException.ThrowIfNull(metric);
        Metric = metric;
        MaxConcurrency = maxConcurrency;
    }

    /// <summary>The metric.</summary>
    public IMetric Metric { get; }

    /// <summary>Most module invocations in flight at once (default 4).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int MaxConcurrency
    {
        get => _maxConcurrency;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConcurrency = value;
        }
    }

    /// <summary>Evaluates <paramref name="module"/> on <paramref name="dataset"/>; the module is not changed.</summary>
    /// <returns>Results in dataset order and the mean score.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<EvaluationResult> EvaluateAsync(
        Module module,
        IReadOnlyList<Example> dataset,
        IProgress<EvaluationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(dataset);
        var results = new ExampleResult[dataset.Count];
        var completed = 0;
        var failures = 0;
        var scoreSum = 0.0;
        var gate = new Lock();
        await ParallelRunner.ForEachIndexAsync(dataset.Count, MaxConcurrency, async (index, token) =>
        {
            var result = await EvaluateOneAsync(module, dataset[index], index, token).ConfigureAwait(false);
            results[index] = result;
            if (progress is not null)
            {
                EvaluationProgress snapshot;
                lock (gate)
                {
                    completed++;
                    failures += result.Succeeded ? 0 : 1;
                    scoreSum += result.Score;
                    snapshot = new EvaluationProgress(completed, dataset.Count, failures, scoreSum);
                }

                progress.Report(snapshot);
            }
        }, cancellationToken).ConfigureAwait(false);
        return new EvaluationResult(results, Metric.Name);
    }

    /// <summary>Runs and scores one example; failures become a 0 score with an error, cancellation is thrown.</summary>
    internal async Task<ExampleResult> EvaluateOneAsync(Module module, Example example, int index, CancellationToken cancellationToken)
    {
        Prediction prediction;
        try
        {
            prediction = await module.InvokeAsync(example.InputValues(), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new ExampleResult(index, example, null, 0, $"{e.GetType().Name}: {e.Message}");
        }

        if (!prediction.Success)
        {
            return new ExampleResult(index, example, prediction, 0, prediction.Error ?? "The prediction failed.");
        }

        try
        {
            return new ExampleResult(index, example, prediction, MetricText.Clamp(Metric.Score(example, prediction)), null);
        }
        catch (Exception e)
        {
            return new ExampleResult(index, example, prediction, 0, $"Metric {Metric.Name} threw {e.GetType().Name}: {e.Message}");
        }
    }
}
