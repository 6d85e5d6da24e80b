using LogiLlm.Optimizers;
using LogiLlm.Providers;
using LogiLlm.Signatures;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// The production <see cref="ITrainingRunner"/>: a <see cref="Predict"/> module on the configured provider
/// (<c>Llm</c> section), optimized by the job's optimizer on its datasets and scored by its metric.
/// </summary>
/// <remarks>
/// The provider is resolved per job, so a misconfigured provider fails the jobs with its message instead of
/// stopping the trainer (whose registry API must stay up).
/// </remarks>
public sealed class OptimizerTrainingRunner(IServiceProvider services, ISampleDatasets samples, ILoggerFactory loggerFactory) : ITrainingRunner
{
    /// <inheritdoc />
    public async Task<TrainingOutcome> RunAsync(TrainingJobSpec spec, IProgress<TrainingProgress> progress, CancellationToken cancellationToken)
    {
        var module = new Predict(Signature.Parse(spec.Signature, spec.Instructions)) { Provider = services.GetRequiredService<Provider>() };
        var (trainset, valset) = ResolveDatasets(spec);
        var metric = CreateMetric(spec);
        var options = new OptimizerOptions
        {
            Seed = spec.Optimizer.Seed,
            Progress = new Progress(progress),
            Logger = loggerFactory.CreateLogger("LogiLlm.Trainer.Jobs.Optimizer"),
        };
        var paramSpace = spec.ParamSpace is null
            ? null
            : ParamSpaceParser.TryParse(spec.ParamSpace, (key, message) => throw new InvalidOperationException($"{key}: {message}"));

        var optimizer = CreateOptimizer(spec.Optimizer, metric, options, DefaultLabeledDemos(module.Provider!, trainset.Count));
        progress.Report(new TrainingProgress(0, 0, null, "starting"));
        var result = await optimizer.OptimizeAsync(module, trainset, paramSpace, valset, cancellationToken);
        var comparison = result.Comparison is { } c
            ? new TrainingComparison(c.Optimizer == nameof(LabeledFewShot) ? OptimizerTypes.LabeledFewShot : c.Optimizer, c.Demos, c.Score, c.Difference)
            : null;
        return new TrainingOutcome(result.OptimizedModule, result.BaselineScore, result.BestScore, result.Improvement, result.History.Count, comparison);
    }

    private (IReadOnlyList<Example> Train, IReadOnlyList<Example>? Val) ResolveDatasets(TrainingJobSpec spec)
    {
        if (spec.SampleDataset is { } name)
        {
            var sample = samples.Find(name) ?? throw new InvalidOperationException($"The sample dataset '{name}' is not available on this trainer.");
            return (sample.Train, sample.Dev.Count > 0 ? sample.Dev : null);
        }

        static IReadOnlyList<Example> Convert(IReadOnlyList<TrainingExample> rows) =>
            rows.Select(r => Example.Create(r.Inputs!, r.Outputs!)).ToArray();

        var train = Convert(spec.Trainset ?? throw new InvalidOperationException("The job has no training examples."));
        return (train, spec.Valset is { Count: > 0 } val ? Convert(val) : null);
    }

    private static IMetric CreateMetric(TrainingJobSpec spec) => spec.Metric switch
    {
        MetricType.ExactMatch => new ExactMatchMetric(trim: true),
        MetricType.F1 => new F1Metric(spec.MetricKey),
        _ => new AccuracyMetric(spec.MetricKey, trim: true),
    };

    /// <summary>
    /// LabeledFewShot's demo count when a job gives none: every training row (up to the trainer's 100) for the local
    /// model, which is a similarity classifier and only gains from more demos; DSPy's 16 for an LLM, whose prompt
    /// grows with every demo.
    /// </summary>
    public static int DefaultLabeledDemos(Provider provider, int trainRows) =>
        provider.Name == LocalModel.LocalModelProvider.ProviderName ? Math.Clamp(trainRows, 1, 100) : 16;

    private static Optimizer CreateOptimizer(OptimizerSettings settings, IMetric metric, OptimizerOptions options, int defaultLabeledDemos) => settings switch
    {
        LabeledFewShotSettings s => new LabeledFewShot(metric, s.MaxDemos ?? defaultLabeledDemos, options),
        BootstrapFewShotSettings s => new BootstrapFewShot(metric, s.MaxBootstrappedDemos, s.MaxLabeledDemos, s.MaxRounds, s.MetricThreshold, options: options),
        HyperparameterSettings s => new HyperparameterOptimizer(metric, trials: s.Trials, strategy: s.Strategy, gridResolution: s.GridResolution, options: options),
        HybridSettings s => new HybridOptimizer(
            metric, s.Strategy, numIterations: s.Iterations, trials: s.Trials, maxBootstrappedDemos: s.MaxBootstrappedDemos, maxLabeledDemos: s.MaxLabeledDemos,
            searchStrategy: s.SearchStrategy, metricThreshold: s.MetricThreshold, options: options),
        _ => throw new InvalidOperationException($"Unknown optimizer '{settings.Type}'."),
    };

    /// <summary>Maps the optimizer's progress to job progress.</summary>
    private sealed class Progress(IProgress<TrainingProgress> target) : IProgress<OptimizationProgress>
    {
        public void Report(OptimizationProgress value) =>
            target.Report(new TrainingProgress(value.Completed, value.Total, double.IsFinite(value.BestScore) ? value.BestScore : null, value.Phase));
    }
}
