using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Optimizers;

/// <summary>
/// Searches model settings (<c>temperature</c>, <c>top_p</c>, <c>max_tokens</c>, categorical choices, or the
/// number of demos via <see cref="ParameterSpec.DemoCountKey"/>) by seeded random or grid search. Each trial is
/// a clone of the module with one configuration, scored on the evaluation set; the module's own configuration
/// is the baseline and wins ties, so the best score is never below the baseline.
/// </summary>
/// <example>
/// <code>
/// var space = new ParameterSpace { { "temperature", 0.0, 1.0 }, { "top_p", 0.8, 1.0 } };
/// var result = await new HyperparameterOptimizer(new AccuracyMetric("category"), trials: 20).OptimizeAsync(classifier, trainset, space);
/// Console.WriteLine(result.Metadata["best_config"]);
/// </code>
/// </example>
public sealed class HyperparameterOptimizer : Optimizer
{
    /// <summary>The trial budget when none is given for random search.</summary>
    public const int DefaultTrials = 20;

    /// <summary>A hyperparameter optimizer.</summary>
    /// <param name="metric">Scores candidates.</param>
    /// <param name="space">The space to search when <c>OptimizeAsync</c> gets none (null = <see cref="ParameterSpace.Default"/>).</param>
    /// <param name="trials">Configurations to try (null = 20 for random search, the whole grid for grid search).</param>
    /// <param name="strategy">Random or grid search.</param>
    /// <param name="gridResolution">Values per float parameter in grid search.</param>
    /// <param name="options">Concurrency, seed, progress, logging.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trials"/> or <paramref name="gridResolution"/> less than 1.</exception>
    public HyperparameterOptimizer(
        IMetric metric,
        ParameterSpace? space = null,
        int? trials = null,
        SearchStrategy strategy = SearchStrategy.Random,
        int gridResolution = 5,
        OptimizerOptions? options = null)
        : base(metric, options)
    {
        if (trials is { } t)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(t, 1, nameof(trials));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(gridResolution, 1);
        Space = space;
        Trials = trials;
        Strategy = strategy;
        GridResolution = gridResolution;
    }

    /// <summary>The space used when <c>OptimizeAsync</c> gets none (null = <see cref="ParameterSpace.Default"/>).</summary>
    public ParameterSpace? Space { get; }

    /// <summary>The trial budget (null = 20 for random, the whole grid for grid search).</summary>
    public int? Trials { get; }

    /// <summary>Random or grid search.</summary>
    public SearchStrategy Strategy { get; }

    /// <summary>Values per float parameter in grid search.</summary>
    public int GridResolution { get; }

    /// <inheritdoc />
    protected override async Task<OptimizationOutcome> OptimizeCoreAsync(OptimizationContext context)
    {
        var space = ResolveSpace(context);
        var candidates = Candidates(space, Trials, context);
        context.PlannedTrials = candidates.Count + 1;
        var baselineConfig = space.Read(context.Module);
        var baseline = await EvaluateBaselineAsync(context, (JsonObject)baselineConfig.DeepClone()).ConfigureAwait(false);
        var best = await SearchAsync(context, context.Module, context.Module, baselineConfig, baseline, candidates, "hyperparameters", null).ConfigureAwait(false);
        var optimized = ReferenceEquals(best.Module, context.Module) ? context.Module.Clone() : best.Module;
        return new OptimizationOutcome(optimized, baseline, best.Score, (JsonObject)best.Config.DeepClone());
    }

    /// <inheritdoc />
    protected override JsonObject DescribeSettings(OptimizationContext context) => new()
    {
        ["strategy"] = Strategy == SearchStrategy.Grid ? "grid" : "random",
        ["trials"] = Trials ?? (Strategy == SearchStrategy.Random ? DefaultTrials : ResolveSpace(context).Grid(GridResolution).Count),
        ["grid_resolution"] = GridResolution,
        ["param_space"] = ResolveSpace(context).ToJson(),
        ["max_concurrency"] = Options.MaxConcurrency,
    };

    internal ParameterSpace ResolveSpace(OptimizationContext context) => context.ParameterSpace ?? Space ?? ParameterSpace.Default;

    /// <summary>The configurations to try, drawn now (before any evaluation) so the draws never depend on timing.</summary>
    internal IReadOnlyList<JsonObject> Candidates(ParameterSpace space, int? trials, OptimizationContext context)
    {
        if (space.Count == 0)
        {
            return [];
        }

        if (Strategy == SearchStrategy.Random)
        {
            return Enumerable.Range(0, trials ?? DefaultTrials).Select(_ => space.Sample(context.Random)).ToArray();
        }

        var grid = space.Grid(GridResolution);
        if (trials is not { } budget || budget >= grid.Count)
        {
            return grid;
        }

        context.Logger.LogWarning("The grid has {Count} points but the budget is {Trials} trials; trying a seeded sample of the grid.", grid.Count, budget);
        return DemoPlacement.SampleIndices(context.Random, grid.Count, budget).Order().Select(i => grid[i]).ToArray();
    }

    /// <summary>
    /// Scores a clone of <paramref name="template"/> per candidate configuration (trials run one after another,
    /// each evaluation in parallel) and returns the best; <paramref name="incumbent"/> wins ties. A configuration
    /// already scored (a repeated random draw) is not scored again.
    /// </summary>
    internal static async Task<SearchOutcome> SearchAsync(
        OptimizationContext context,
        Module template,
        Module incumbent,
        JsonObject incumbentConfig,
        double incumbentScore,
        IReadOnlyList<JsonObject> candidates,
        string phase,
        JsonObject? trialInfo)
    {
        var best = new SearchOutcome(incumbent, incumbentConfig, incumbentScore);
        var seen = new HashSet<string>(StringComparer.Ordinal) { incumbentConfig.ToJsonString() };
        foreach (var candidate in candidates)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            if (!seen.Add(candidate.ToJsonString()))
            {
                context.Logger.LogDebug("Skipping configuration {Config}: already scored.", candidate.ToJsonString());
                continue;
            }

            var module = template.Clone();
            ParameterSpace.Apply(module, candidate);
            var evaluation = await context.EvaluateAsync(module).ConfigureAwait(false);
            var recorded = (JsonObject)candidate.DeepClone();
            if (trialInfo is not null)
            {
                foreach (var (key, value) in trialInfo)
                {
                    recorded[key] = value?.DeepClone();
                }
            }

            context.RecordTrial(phase, recorded, evaluation);
            if (evaluation.MeanScore > best.Score)
            {
                best = new SearchOutcome(module, candidate, evaluation.MeanScore);
            }
        }

        return best;
    }
}
