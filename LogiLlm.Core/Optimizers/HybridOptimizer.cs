using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Optimizers;

/// <summary>
/// LogiLLM's hybrid optimizer: demos (bootstrapped as by <see cref="BootstrapFewShot"/>) and hyperparameters
/// (searched as by <see cref="HyperparameterOptimizer"/>) together, because the best temperature depends on the
/// demos and the other way round. See <see cref="HybridStrategy"/> for the three ways of combining them.
/// </summary>
/// <example>
/// <code>
/// var optimizer = new HybridOptimizer(new AccuracyMetric("category"), HybridStrategy.Alternating, trials: 10);
/// var result = await optimizer.OptimizeAsync(classifier, trainset, new ParameterSpace { { "temperature", 0.0, 1.0 } }, valset);
/// </code>
/// </example>
public sealed class HybridOptimizer : Optimizer
{
    /// <summary>The trial budget of each hyperparameter phase when none is given.</summary>
    public const int DefaultTrials = 10;

    private readonly BootstrapFewShot _bootstrap;
    private readonly HyperparameterOptimizer _search;

    /// <summary>A hybrid optimizer.</summary>
    /// <param name="metric">Scores teacher answers and candidates.</param>
    /// <param name="strategy">Alternating, joint or sequential.</param>
    /// <param name="space">The hyperparameter space when <c>OptimizeAsync</c> gets none (null = <see cref="ParameterSpace.Default"/>).</param>
    /// <param name="numIterations">Most alternations (alternating); the joint search gets <c>trials × numIterations</c> trials.</param>
    /// <param name="trials">Configurations per hyperparameter phase (null = 10 for random search, the grid for grid search).</param>
    /// <param name="maxBootstrappedDemos">Most bootstrapped demos (DSPy's 4).</param>
    /// <param name="maxLabeledDemos">Most demos in all, and labelled demos given to a teacher without demos (DSPy's 16).</param>
    /// <param name="searchStrategy">Random or grid search for the hyperparameters.</param>
    /// <param name="metricThreshold">Least score for a teacher answer to become a demo.</param>
    /// <param name="teacher">Teacher for bootstrapping (null = the module being optimized).</param>
    /// <param name="options">Concurrency, seed, progress, logging.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count out of range.</exception>
    public HybridOptimizer(
        IMetric metric,
        HybridStrategy strategy = HybridStrategy.Alternating,
        ParameterSpace? space = null,
        int numIterations = 3,
        int? trials = null,
        int maxBootstrappedDemos = BootstrapFewShot.DefaultMaxBootstrappedDemos,
        int maxLabeledDemos = BootstrapFewShot.DefaultMaxLabeledDemos,
        SearchStrategy searchStrategy = SearchStrategy.Random,
        double metricThreshold = 1.0,
        Module? teacher = null,
        OptimizerOptions? options = null)
        : base(metric, options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numIterations, 1);
        Strategy = strategy;
        NumIterations = numIterations;
        // DSPy's totals (bootstrapped, then labelled up to maxLabeledDemos): no cap of our own.
        _bootstrap = new BootstrapFewShot(metric, maxBootstrappedDemos, maxLabeledDemos, 1, metricThreshold, teacher, Options);
        _search = new HyperparameterOptimizer(metric, space, trials ?? (searchStrategy == SearchStrategy.Random ? DefaultTrials : null), searchStrategy, options: Options);
    }

    /// <summary>How demos and hyperparameters are combined.</summary>
    public HybridStrategy Strategy { get; }

    /// <summary>Most alternations; also multiplies the joint search's trials.</summary>
    public int NumIterations { get; }

    /// <inheritdoc />
    protected override async Task<OptimizationOutcome> OptimizeCoreAsync(OptimizationContext context)
    {
        var space = _search.ResolveSpace(context);
        var trials = _search.Trials ?? space.Grid(_search.GridResolution).Count;
        context.PlannedTrials = Strategy switch
        {
            HybridStrategy.Joint => 1 + (trials * NumIterations),
            HybridStrategy.Sequential => 2 + trials,
            _ => 1 + (NumIterations * (1 + trials)),
        };
        var baselineConfig = Describe(space, context.Module);
        var baseline = await EvaluateBaselineAsync(context, baselineConfig).ConfigureAwait(false);
        var best = Strategy switch
        {
            HybridStrategy.Joint => await JointAsync(context, space, baseline).ConfigureAwait(false),
            HybridStrategy.Sequential => await SequentialAsync(context, space, baseline).ConfigureAwait(false),
            _ => await AlternatingAsync(context, space, baseline).ConfigureAwait(false),
        };
        var optimized = ReferenceEquals(best.Module, context.Module) ? context.Module.Clone() : best.Module;
        return new OptimizationOutcome(optimized, baseline, best.Score, (JsonObject)best.Config.DeepClone());
    }

    /// <inheritdoc />
    protected override JsonObject DescribeSettings(OptimizationContext context) => new()
    {
        ["strategy"] = Strategy.ToString().ToLowerInvariant(),
        ["num_iterations"] = NumIterations,
        ["trials"] = _search.Trials,
        ["search_strategy"] = _search.Strategy == SearchStrategy.Grid ? "grid" : "random",
        ["param_space"] = _search.ResolveSpace(context).ToJson(),
        ["max_bootstrapped_demos"] = _bootstrap.MaxBootstrappedDemos,
        ["max_labeled_demos"] = _bootstrap.MaxLabeledDemos,
        ["metric_threshold"] = _bootstrap.MetricThreshold,
        ["teacher"] = _bootstrap.Teacher is null ? "student" : _bootstrap.Teacher.ModuleType,
        ["max_concurrency"] = Options.MaxConcurrency,
    };

    private async Task<SearchOutcome> AlternatingAsync(OptimizationContext context, ParameterSpace space, double baseline)
    {
        var current = new SearchOutcome(context.Module, Describe(space, context.Module), baseline);
        for (var iteration = 1; iteration <= NumIterations; iteration++)
        {
            var before = current.Score;
            var withDemos = await DemosStepAsync(context, space, current.Module, iteration).ConfigureAwait(false);

            // Demos that do not hurt are kept: the hyperparameter step may need them to show its worth.
            if (withDemos.Score >= current.Score)
            {
                current = withDemos;
            }

            var candidates = _search.Candidates(space, _search.Trials, context);
            var searched = await HyperparameterOptimizer.SearchAsync(
                context, current.Module, current.Module, space.Read(current.Module), current.Score, candidates, "hyperparameters",
                new JsonObject { ["iteration"] = iteration }).ConfigureAwait(false);
            current = searched with { Config = Describe(space, searched.Module) };
            context.Logger.LogInformation("Hybrid iteration {Iteration}: {Before:0.###} -> {After:0.###}.", iteration, before, current.Score);
            if (iteration > 1 && current.Score <= before)
            {
                break;
            }
        }

        return current;
    }

    private async Task<SearchOutcome> SequentialAsync(OptimizationContext context, ParameterSpace space, double baseline)
    {
        var candidates = _search.Candidates(space, _search.Trials, context);
        var searched = await HyperparameterOptimizer.SearchAsync(
            context, context.Module, context.Module, space.Read(context.Module), baseline, candidates, "hyperparameters", null).ConfigureAwait(false);
        var withDemos = await DemosStepAsync(context, space, searched.Module, 1).ConfigureAwait(false);
        return withDemos.Score >= searched.Score ? withDemos : searched with { Config = Describe(space, searched.Module) };
    }

    private async Task<SearchOutcome> JointAsync(OptimizationContext context, ParameterSpace space, double baseline)
    {
        var pool = await _bootstrap.BootstrapAsync(context, context.Module).ConfigureAwait(false);
        var template = context.Module.Clone();
        DemoPlacement.Place(template, pool);
        var jointSpace = space.Any(p => p.Name == ParameterSpec.DemoCountKey)
            ? space
            : space.With(ParameterSpec.Int(ParameterSpec.DemoCountKey, 0, pool.Count));
        var candidates = _search.Candidates(jointSpace, _search.Trials is { } t ? t * NumIterations : null, context);
        var searched = await HyperparameterOptimizer.SearchAsync(
            context, template, context.Module, jointSpace.Read(context.Module), baseline, candidates, "joint",
            DemoPlacement.Describe(template)).ConfigureAwait(false);
        return searched with { Config = Describe(jointSpace, searched.Module) };
    }

    /// <summary>Bootstraps demos for <paramref name="module"/> (with its settings) and scores a clone carrying them.</summary>
    private async Task<SearchOutcome> DemosStepAsync(OptimizationContext context, ParameterSpace space, Module module, int iteration)
    {
        var demos = await _bootstrap.BootstrapAsync(context, module).ConfigureAwait(false);
        var candidate = module.Clone();
        DemoPlacement.Place(candidate, demos);
        var evaluation = await context.EvaluateAsync(candidate).ConfigureAwait(false);
        var config = Describe(space, candidate);
        config["iteration"] = iteration;
        context.RecordTrial("demos", config, evaluation);
        return new SearchOutcome(candidate, Describe(space, candidate), evaluation.MeanScore);
    }

    /// <summary>The parameter values and demo counts of a module.</summary>
    private static JsonObject Describe(ParameterSpace space, Module module) => DemoPlacement.Describe(module, space.Read(module));
}
