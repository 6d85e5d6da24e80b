using System.Text.Json.Nodes;

namespace LogiLlm.Trainer.Jobs;

/// <summary>A validated training request as it is queued in Redis (defaults filled in).</summary>
/// <param name="Module">Registry name to publish under.</param>
/// <param name="Signature">Signature text (parses).</param>
/// <param name="Instructions">Signature instructions, if any.</param>
/// <param name="Trainset">Inline training examples, or null when <paramref name="SampleDataset"/> is used.</param>
/// <param name="Valset">Inline validation examples, or null.</param>
/// <param name="SampleDataset">Name of a shipped dataset, or null.</param>
/// <param name="Optimizer">The optimizer and its options.</param>
/// <param name="Metric">Metric type.</param>
/// <param name="MetricKey">Output field the metric compares.</param>
/// <param name="ParamSpace">Hyperparameter search space, or null.</param>
public sealed record TrainingJobSpec(
    string Module,
    string Signature,
    string? Instructions,
    IReadOnlyList<TrainingExample>? Trainset,
    IReadOnlyList<TrainingExample>? Valset,
    string? SampleDataset,
    OptimizerSettings Optimizer,
    MetricType Metric,
    string MetricKey,
    JsonObject? ParamSpace);

/// <summary>The optimizers a job can use (the <c>type</c> of <see cref="OptimizerSettings"/>).</summary>
public static class OptimizerTypes
{
    /// <summary>Labelled training examples become the demos.</summary>
    public const string LabeledFewShot = "labeled-few-shot";

    /// <summary>A teacher run keeps the demos the metric accepts.</summary>
    public const string BootstrapFewShot = "bootstrap-few-shot";

    /// <summary>Searches the hyperparameter space.</summary>
    public const string Hyperparameter = "hyperparameter";

    /// <summary>Demos and hyperparameters together.</summary>
    public const string Hybrid = "hybrid";

    /// <summary>All of them, in documentation order.</summary>
    public static readonly IReadOnlyList<string> All = [LabeledFewShot, BootstrapFewShot, Hyperparameter, Hybrid];
}
