using System.Text.Json.Nodes;

namespace LogiLlm.Optimizers;

/// <summary>
/// The simplest optimizer: <see cref="K"/> labelled examples drawn from the training set (seeded sample
/// without replacement) become the module's demos (source "labeled"). The module with and without them is
/// scored so the result reports the improvement.
/// </summary>
/// <example><c>var result = await new LabeledFewShot(new AccuracyMetric("category"), k: 8).OptimizeAsync(classifier, trainset);</c></example>
public sealed class LabeledFewShot : Optimizer
{
    /// <summary>An optimizer that places <paramref name="k"/> labelled demos.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is negative.</exception>
    public LabeledFewShot(IMetric metric, int k = 16, OptimizerOptions? options = null)
        : base(metric, options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        K = k;
    }

    /// <summary>Demos to place (fewer when the training set is smaller).</summary>
    public int K { get; }

    /// <inheritdoc />
    protected override async Task<OptimizationOutcome> OptimizeCoreAsync(OptimizationContext context)
    {
        context.PlannedTrials = 2;
        var baseline = await EvaluateBaselineAsync(context, DemoPlacement.Describe(context.Module)).ConfigureAwait(false);
        var indices = DemoPlacement.SampleIndices(context.Random, context.Trainset.Count, K);
        var candidate = context.Module.Clone();
        DemoPlacement.Place(candidate, indices.Select(i => DemoPlacement.Labeled(context.Trainset[i], i)).ToArray());
        var evaluation = await context.EvaluateAsync(candidate).ConfigureAwait(false);
        var config = DemoPlacement.Describe(candidate);
        context.RecordTrial("labeled", config, evaluation);
        return new OptimizationOutcome(candidate, baseline, evaluation.MeanScore, (JsonObject)config.DeepClone());
    }

    /// <inheritdoc />
    protected override JsonObject DescribeSettings(OptimizationContext context) => new()
    {
        ["k"] = K,
        ["max_concurrency"] = Options.MaxConcurrency,
    };
}
