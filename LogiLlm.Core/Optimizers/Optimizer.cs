using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Optimizers;

/// <summary>
/// Base of the optimizers: validates the call, runs the core step on an <see cref="OptimizationContext"/>,
/// then marks the optimized module <c>optimized</c> and writes its lineage (<c>Metadata["optimization"]</c>),
/// so that a saved file says how it was made. The input module is never changed.
/// </summary>
public abstract class Optimizer
{
    /// <summary>The metadata key of the lineage record on optimized modules.</summary>
    public const string LineageKey = "optimization";

    /// <summary>An optimizer scoring with <paramref name="metric"/>.</summary>
    protected Optimizer(IMetric metric, OptimizerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(metric);
        Metric = metric;
        Options = options ?? new OptimizerOptions();
    }

    /// <summary>The metric candidates are scored with.</summary>
    public IMetric Metric { get; }

    /// <summary>Concurrency, seed, progress and logging.</summary>
    public OptimizerOptions Options { get; }

    /// <summary>The optimizer's name in lineage ("BootstrapFewShot", ...).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>
    /// Optimizes <paramref name="module"/> on <paramref name="dataset"/> (items with inputs and expected outputs).
    /// Candidates are scored on <paramref name="valset"/> if given, else on <paramref name="dataset"/>.
    /// </summary>
    /// <param name="module">The module to optimize; it is not changed.</param>
    /// <param name="dataset">Training examples (source of demos; the evaluation set when there is no valset).</param>
    /// <param name="paramSpace">Hyperparameters to search (used by optimizers that search them; others ignore it).</param>
    /// <param name="valset">Validation examples to score candidates on.</param>
    /// <param name="cancellationToken">Stops the run; in-flight calls are cancelled and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>A new optimized module with scores, history and <c>best_config</c>.</returns>
    /// <exception cref="ArgumentException"><paramref name="dataset"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public async Task<OptimizationResult> OptimizeAsync(
        Module module,
        IReadOnlyList<Example> dataset,
        ParameterSpace? paramSpace = null,
        IReadOnlyList<Example>? valset = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Count == 0)
        {
            throw new ArgumentException("The dataset is empty; an optimizer needs labelled examples.", nameof(dataset));
        }

        if (valset is { Count: 0 })
        {
            throw new ArgumentException("The validation set is empty; pass null to evaluate on the dataset.", nameof(valset));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var context = new OptimizationContext(module, dataset, valset, paramSpace, Metric, Options, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        context.Logger.LogInformation("{Optimizer} started: {Count} examples, validation {Valset}, metric {Metric}, concurrency {Concurrency}, seed {Seed}.",
            Name, dataset.Count, valset?.Count.ToString(CultureInfo.InvariantCulture) ?? "none", Metric.Name, Options.MaxConcurrency, Options.Seed);

        var outcome = await OptimizeCoreAsync(context).ConfigureAwait(false);
        if (ReferenceEquals(outcome.OptimizedModule, module))
        {
            throw new InvalidOperationException($"{Name} returned the input module; optimizers must return a clone.");
        }

        var duration = Stopwatch.GetElapsedTime(started);
        var optimized = outcome.OptimizedModule;
        optimized.State = ModuleState.Optimized;
        var lineage = new JsonObject
        {
            ["optimizer"] = Name,
            ["settings"] = DescribeSettings(context),
            ["metric"] = Metric.Name,
            ["baseline_score"] = outcome.BaselineScore,
            ["best_score"] = outcome.BestScore,
            ["improvement"] = outcome.BestScore - outcome.BaselineScore,
            ["best_config"] = outcome.BestConfig.DeepClone(),
            ["trials"] = context.History.Count,
            ["dataset_size"] = dataset.Count,
            ["dataset_digest"] = Dataset.ComputeDigest(dataset),
            ["valset_size"] = valset is null ? null : JsonValue.Create(valset.Count),
            ["valset_digest"] = valset is null ? null : JsonValue.Create(Dataset.ComputeDigest(valset)),
            ["duration_seconds"] = Math.Round(duration.TotalSeconds, 3),
            ["seed"] = Options.Seed,
            ["finished_at"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
        };
        if (outcome.Comparison is { } comparison)
        {
            lineage["comparison"] = new JsonObject
            {
                ["optimizer"] = comparison.Optimizer,
                ["demos"] = comparison.Demos,
                ["score"] = comparison.Score,
                ["difference"] = comparison.Difference,
            };
        }

        if (module.Metadata[LineageKey] is JsonNode previous)
        {
            lineage["previous"] = previous.DeepClone();
        }

        optimized.Metadata[LineageKey] = lineage;
        context.Logger.LogInformation("{Optimizer} finished in {Seconds:0.0} s: {Baseline:0.###} -> {Best:0.###} over {Trials} trials.",
            Name, duration.TotalSeconds, outcome.BaselineScore, outcome.BestScore, context.History.Count);
        return new OptimizationResult(optimized, outcome.BaselineScore, outcome.BestScore, context.History.ToArray(), (JsonObject)lineage.DeepClone(), duration, outcome.Comparison);
    }

    /// <summary>The optimizer's core step: return a new module (never the input) and its scores.</summary>
    protected abstract Task<OptimizationOutcome> OptimizeCoreAsync(OptimizationContext context);

    /// <summary>The optimizer's settings for the lineage record.</summary>
    protected abstract JsonObject DescribeSettings(OptimizationContext context);

    /// <summary>Scores the input module and records it as trial 0 ("baseline") with <paramref name="config"/>.</summary>
    internal static async Task<double> EvaluateBaselineAsync(OptimizationContext context, JsonObject config)
    {
        var evaluation = await context.EvaluateAsync(context.Module).ConfigureAwait(false);
        context.RecordTrial("baseline", config, evaluation);
        return evaluation.MeanScore;
    }
}
