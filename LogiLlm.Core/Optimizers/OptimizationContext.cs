using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Optimizers;

/// <summary>
/// One optimization run as an optimizer's core step sees it: the input module (never to be changed), the
/// data, the seeded random source, evaluation under the concurrency limit, and the trial history.
/// </summary>
public sealed class OptimizationContext
{
    private readonly List<OptimizationTrial> _history = [];
    private readonly Evaluator _evaluator;
    private readonly IProgress<OptimizationProgress>? _progress;

    internal OptimizationContext(
        Module module,
        IReadOnlyList<Example> trainset,
        IReadOnlyList<Example>? valset,
        ParameterSpace? parameterSpace,
        IMetric metric,
        OptimizerOptions options,
        CancellationToken cancellationToken)
    {
        Module = module;
        Trainset = trainset;
        Valset = valset;
        ParameterSpace = parameterSpace;
        Metric = metric;
        MaxConcurrency = options.MaxConcurrency;
        Random = new Random(options.Seed);
        Logger = options.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        CancellationToken = cancellationToken;
        _progress = options.Progress;
        _evaluator = new Evaluator(metric, options.MaxConcurrency);
    }

    /// <summary>The module being optimized; work on clones, never change it.</summary>
    public Module Module { get; }

    /// <summary>The training set (source of demos).</summary>
    public IReadOnlyList<Example> Trainset { get; }

    /// <summary>The validation set, when one was given.</summary>
    public IReadOnlyList<Example>? Valset { get; }

    /// <summary>Where candidates are scored: the validation set if given, else the training set.</summary>
    public IReadOnlyList<Example> EvaluationSet => Valset ?? Trainset;

    /// <summary>The hyperparameter space passed to <c>OptimizeAsync</c> (null = the optimizer's own or none).</summary>
    public ParameterSpace? ParameterSpace { get; }

    /// <summary>The metric.</summary>
    public IMetric Metric { get; }

    /// <summary>Most model calls in flight at once.</summary>
    public int MaxConcurrency { get; }

    /// <summary>The run's only random source, seeded from <see cref="OptimizerOptions.Seed"/>; draw from it in a fixed order.</summary>
    public Random Random { get; }

    /// <summary>The logger (a null logger when none was given).</summary>
    public ILogger Logger { get; }

    /// <summary>Cancels the run.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Trials so far.</summary>
    public IReadOnlyList<OptimizationTrial> History => _history;

    /// <summary>Trials the run expects in all (for progress reports; grows if exceeded).</summary>
    public int PlannedTrials { get; set; }

    /// <summary>Best trial score so far (0 before the first trial).</summary>
    public double BestScore { get; private set; }

    /// <summary>Scores <paramref name="candidate"/> on <see cref="EvaluationSet"/>.</summary>
    public Task<EvaluationResult> EvaluateAsync(Module candidate) => EvaluateAsync(candidate, EvaluationSet);

    /// <summary>Scores <paramref name="candidate"/> on <paramref name="examples"/>.</summary>
    public Task<EvaluationResult> EvaluateAsync(Module candidate, IReadOnlyList<Example> examples)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(examples);
        return _evaluator.EvaluateAsync(candidate, examples, null, CancellationToken);
    }

    /// <summary>Runs and scores one example (failures score 0; cancellation is thrown).</summary>
    public Task<ExampleResult> EvaluateOneAsync(Module module, Example example, int index, CancellationToken cancellationToken) =>
        _evaluator.EvaluateOneAsync(module, example, index, cancellationToken);

    /// <summary>Adds a trial to the history, logs it and reports progress.</summary>
    public OptimizationTrial RecordTrial(string phase, JsonObject config, EvaluationResult evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return RecordTrial(phase, config, evaluation.MeanScore, evaluation.Failures);
    }

    /// <summary>Adds a trial to the history, logs it and reports progress.</summary>
    public OptimizationTrial RecordTrial(string phase, JsonObject config, double score, int failures)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phase);
        ArgumentNullException.ThrowIfNull(config);
        var trial = new OptimizationTrial(_history.Count, phase, config, score, failures);
        _history.Add(trial);
        BestScore = _history.Count == 1 ? score : Math.Max(BestScore, score);
        PlannedTrials = Math.Max(PlannedTrials, _history.Count);
        Logger.LogDebug("Optimization trial {Trial}", trial);
        if (failures > 0)
        {
            Logger.LogWarning("{Failures} of {Count} predictions failed in trial {Number} ({Phase}); they scored 0.", failures, EvaluationSet.Count, trial.Number, phase);
        }

        _progress?.Report(new OptimizationProgress(phase, _history.Count, PlannedTrials, BestScore));
        return trial;
    }
}
