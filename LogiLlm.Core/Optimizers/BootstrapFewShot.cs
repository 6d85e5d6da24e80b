using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Signatures;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Optimizers;

/// <summary>
/// DSPy's BootstrapFewShot: a teacher (by default the student itself) answers the training examples; the
/// answers the metric passes (score ≥ <see cref="MetricThreshold"/>) become demos of source "bootstrap",
/// carrying the teacher's full outputs (e.g. ChainOfThought reasoning) and the metric score. Up to
/// <see cref="MaxBootstrappedDemos"/> are taken (DSPy's 4), then labelled examples fill up to <see cref="MaxLabeledDemos"/>
/// demos (DSPy's 16). <c>maxExamples</c> (LogiLLM's name) is only a cap on what the result holds: by default none, so the
/// defaults are DSPy's; <c>maxExamples: 5</c> saves at most 5 demos.
/// </summary>
/// <remarks>
/// A teacher without demos is first given up to <see cref="MaxLabeledDemos"/> labelled demos (never its own
/// example's) so that it can answer better than the bare student. Examples run in parallel under
/// <see cref="OptimizerOptions.MaxConcurrency"/>; the demos are the first passing examples in dataset order, so
/// the result does not depend on completion order. Extra rounds (<see cref="MaxRounds"/>) retry the examples
/// that failed with the teacher at temperature 1.0.
/// </remarks>
/// <example>
/// <code>
/// var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxExamples: 5).OptimizeAsync(classifier, trainingData);
/// result.OptimizedModule.Save("models/email_classifier.json");
/// </code>
/// </example>
public sealed class BootstrapFewShot : Optimizer
{
    /// <summary>DSPy's <c>max_bootstrapped_demos</c> default.</summary>
    public const int DefaultMaxBootstrappedDemos = 4;

    /// <summary>DSPy's <c>max_labeled_demos</c> default.</summary>
    public const int DefaultMaxLabeledDemos = 16;

    /// <summary>A bootstrapping optimizer; with no counts given it behaves as DSPy's defaults (4 bootstrapped, filled with labelled rows to 16).</summary>
    /// <param name="metric">Scores teacher answers and candidate modules.</param>
    /// <param name="maxBootstrappedDemos">Most bootstrapped demos (DSPy's <c>max_bootstrapped_demos</c>, 4).</param>
    /// <param name="maxLabeledDemos">Most demos in all after filling with labelled examples, and the labelled demos given to a teacher without demos (DSPy's <c>max_labeled_demos</c>, 16).</param>
    /// <param name="maxRounds">Passes over the failed examples (round 2+ at temperature 1.0).</param>
    /// <param name="metricThreshold">Least score for a teacher answer to become a demo.</param>
    /// <param name="teacher">The teacher module; null = the student.</param>
    /// <param name="options">Concurrency, seed, progress, logging.</param>
    /// <param name="maxExamples">A cap on the demos the result holds, bootstrapped and labelled together (null = no cap beyond DSPy's total, <c>max(maxBootstrappedDemos, maxLabeledDemos)</c>).</param>
    /// <param name="compareWithLabeled">Also score LabeledFewShot with every training row as a demo on the same set, reported in <see cref="OptimizationResult.Comparison"/> (one more evaluation pass).</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative count, fewer than 1 round, or a threshold outside [0, 1].</exception>
    public BootstrapFewShot(
        IMetric metric,
        int maxBootstrappedDemos = DefaultMaxBootstrappedDemos,
        int maxLabeledDemos = DefaultMaxLabeledDemos,
        int maxRounds = 1,
        double metricThreshold = 1.0,
        Module? teacher = null,
        OptimizerOptions? options = null,
        int? maxExamples = null,
        bool compareWithLabeled = true)
        : base(metric, options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBootstrappedDemos);
        if (maxExamples is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExamples), maxExamples, "The most examples must not be negative.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxLabeledDemos);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRounds, 1);
        if (!(metricThreshold is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(metricThreshold), metricThreshold, "The metric threshold must be in [0, 1].");
        }

        var total = Math.Max(maxBootstrappedDemos, maxLabeledDemos);
        MaxDemos = maxExamples is { } cap ? Math.Min(cap, total) : total;
        MaxBootstrappedDemos = Math.Min(maxBootstrappedDemos, MaxDemos);
        MaxLabeledDemos = maxLabeledDemos;
        MaxRounds = maxRounds;
        MetricThreshold = metricThreshold;
        Teacher = teacher;
        CompareWithLabeled = compareWithLabeled;
    }

    /// <summary>Whether the result reports how LabeledFewShot with every training row scores on the same set.</summary>
    public bool CompareWithLabeled { get; }

    /// <summary>Most bootstrapped demos (never more than <see cref="MaxDemos"/>).</summary>
    public int MaxBootstrappedDemos { get; }

    /// <summary>Most demos in all (bootstrapped + labelled fill) within <see cref="MaxDemos"/>; also the labelled demos given to a teacher without demos.</summary>
    public int MaxLabeledDemos { get; }

    /// <summary>Most demos the optimized module holds: DSPy's total <c>max(bootstrapped, labelled)</c>, or <c>maxExamples</c> when that is smaller (its <c>max_demos</c> then at most this, unless it was larger already).</summary>
    public int MaxDemos { get; }

    /// <summary>Passes over the examples that did not pass yet.</summary>
    public int MaxRounds { get; }

    /// <summary>Least metric score for a teacher answer to become a demo.</summary>
    public double MetricThreshold { get; }

    /// <summary>The teacher module (null = the student).</summary>
    public Module? Teacher { get; }

    /// <inheritdoc />
    protected override async Task<OptimizationOutcome> OptimizeCoreAsync(OptimizationContext context)
    {
        context.PlannedTrials = 2;
        var baseline = await EvaluateBaselineAsync(context, DemoPlacement.Describe(context.Module)).ConfigureAwait(false);
        var demos = await BootstrapAsync(context, context.Module).ConfigureAwait(false);
        var candidate = context.Module.Clone();
        DemoPlacement.Place(candidate, demos);
        var evaluation = await context.EvaluateAsync(candidate).ConfigureAwait(false);
        var config = DemoPlacement.Describe(candidate);
        context.RecordTrial("bootstrap", config, evaluation);
        if (evaluation.MeanScore < baseline)
        {
            context.Logger.LogWarning("The bootstrapped module scores {Score:0.###}, below the baseline {Baseline:0.###}.", evaluation.MeanScore, baseline);
        }

        OptimizationComparison? comparison = null;
        if (CompareWithLabeled)
        {
            // The trade-off users ask about: a few bootstrapped demos against every labelled row (what a similarity model likes).
            var labeled = context.Module.Clone();
            DemoPlacement.Place(labeled, context.Trainset.Select(DemoPlacement.Labeled).ToArray());
            var labeledEvaluation = await context.EvaluateAsync(labeled).ConfigureAwait(false);
            // Not a trial: the compared module is not a candidate of this optimizer.
            comparison = new OptimizationComparison(nameof(LabeledFewShot), context.Trainset.Count, labeledEvaluation.MeanScore, evaluation.MeanScore - labeledEvaluation.MeanScore);
            if (comparison.Difference < 0)
            {
                context.Logger.LogInformation(
                    "LabeledFewShot with all {Count} training rows scores {Score:0.###}, {Gap:0.###} above the bootstrapped module; consider it for this provider.",
                    context.Trainset.Count, labeledEvaluation.MeanScore, -comparison.Difference);
            }
        }

        return new OptimizationOutcome(candidate, baseline, evaluation.MeanScore, (JsonObject)config.DeepClone(), comparison);
    }

    /// <inheritdoc />
    protected override JsonObject DescribeSettings(OptimizationContext context) => new()
    {
        ["max_bootstrapped_demos"] = MaxBootstrappedDemos,
        ["max_labeled_demos"] = MaxLabeledDemos,
        ["max_demos"] = MaxDemos,
        ["max_rounds"] = MaxRounds,
        ["metric_threshold"] = MetricThreshold,
        ["teacher"] = Teacher is null ? "student" : Teacher.ModuleType,
        ["max_concurrency"] = Options.MaxConcurrency,
        ["compare_with_labeled"] = CompareWithLabeled,
    };

    /// <summary>
    /// The demos for <paramref name="student"/>: bootstrapped traces (first passing examples in dataset order),
    /// then labelled examples (seeded sample of the rest). Draws from <see cref="OptimizationContext.Random"/> only
    /// outside the parallel part, so the draws are the same on every run.
    /// </summary>
    internal async Task<IReadOnlyList<Demo>> BootstrapAsync(OptimizationContext context, Module student)
    {
        var trainset = context.Trainset;
        var teacher = (Teacher ?? student).Clone();
        var teacherLabeled = new Dictionary<int, int>();
        if (teacher.DemoManager.Demos.Count == 0 && MaxLabeledDemos > 0)
        {
            var indices = DemoPlacement.SampleIndices(context.Random, trainset.Count, MaxLabeledDemos);
            for (var position = 0; position < indices.Length; position++)
            {
                teacherLabeled[indices[position]] = position;
            }

            DemoPlacement.Place(teacher, indices.Select(i => DemoPlacement.Labeled(trainset[i], i)).ToArray());
        }

        var passed = new SortedDictionary<int, Demo>();
        var gate = new Lock();
        for (var round = 0; round < MaxRounds && passed.Count < MaxBootstrappedDemos; round++)
        {
            var roundTeacher = teacher;
            if (round > 0)
            {
                // Fresh samples for a retry, as DSPy does with temperature 1.0 rollouts.
                roundTeacher = teacher.Clone();
                roundTeacher.Config.Temperature = 1.0;
            }

            // Teachers that must not see their own example's demo, made before the parallel part (cloning reads JSON trees).
            var blinded = teacherLabeled.ToDictionary(kv => kv.Key, kv =>
            {
                var copy = roundTeacher.Clone();
                copy.DemoManager.Demos.RemoveAt(kv.Value);
                return copy;
            });
            var pending = Enumerable.Range(0, trainset.Count).Where(i => !passed.ContainsKey(i)).ToArray();
            var currentRound = round;
            await ParallelRunner.ForEachIndexAsync(pending.Length, context.MaxConcurrency, async (j, token) =>
            {
                var index = pending[j];
                lock (gate)
                {
                    // Enough passes below this index: it could never be chosen, so save the call.
                    if (passed.Keys.TakeWhile(k => k < index).Count() >= MaxBootstrappedDemos)
                    {
                        return;
                    }
                }

                var runner = blinded.GetValueOrDefault(index, roundTeacher);
                var result = await context.EvaluateOneAsync(runner, trainset[index], index, token).ConfigureAwait(false);
                if (result.Succeeded && result.Prediction is { } prediction && result.Score >= MetricThreshold)
                {
                    var demo = ToDemo(trainset[index], prediction, result.Score, index, currentRound);
                    lock (gate)
                    {
                        passed[index] = demo;
                    }
                }
            }, context.CancellationToken).ConfigureAwait(false);
        }

        var bootstrapped = passed.Take(MaxBootstrappedDemos).ToArray();
        if (bootstrapped.Length == 0 && MaxBootstrappedDemos > 0)
        {
            context.Logger.LogWarning("No teacher answer passed {Metric} >= {Threshold} on {Count} examples; only labelled demos are used.", context.Metric.Name, MetricThreshold, trainset.Count);
        }

        var used = bootstrapped.Select(kv => kv.Key).ToHashSet();
        var rest = Enumerable.Range(0, trainset.Count).Where(i => !used.Contains(i)).ToArray();
        context.Random.Shuffle(rest);
        var labeled = rest.Take(Math.Max(0, Math.Min(MaxLabeledDemos, MaxDemos) - bootstrapped.Length)).Select(i => DemoPlacement.Labeled(trainset[i], i));
        return bootstrapped.Select(kv => kv.Value).Concat(labeled).ToArray();
    }

    private static Demo ToDemo(Example example, Prediction prediction, double score, int index, int round)
    {
        var outputs = new JsonObject();
        foreach (var (key, value) in prediction.Outputs)
        {
            outputs[key] = FieldValueJson.ToJsonNode(value);
        }

        return Demo.Create(Example.ToJsonObject(example.Inputs), outputs, score, "bootstrap") with
        {
            Metadata = new JsonObject { ["example_index"] = index, ["round"] = round },
        };
    }
}
