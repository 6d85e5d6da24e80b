using System.Text.Json.Nodes;

namespace LogiLlm.Trainer.Jobs;

/// <summary>Body of <c>POST /api/training-jobs</c>.</summary>
/// <param name="Module">Registry name the optimized module is published under.</param>
/// <param name="Signature">Signature of the module, e.g. <c>"email: str -> category: str"</c>.</param>
/// <param name="Instructions">Optional instructions of the signature.</param>
/// <param name="Trainset">Inline training examples (or give <paramref name="SampleDataset"/>).</param>
/// <param name="Valset">Inline validation examples; defaults to the sample's dev set or the training set.</param>
/// <param name="SampleDataset">A dataset shipped with the product (e.g. <c>emails</c>) instead of inline sets.</param>
/// <param name="Optimizer">Optimizer type and options; defaults to <c>labeled-few-shot</c>.</param>
/// <param name="Metric">How predictions are scored; defaults to accuracy on the first output field.</param>
/// <param name="ParamSpace">Hyperparameter search space for <c>hyperparameter</c> and <c>hybrid</c>.</param>
public sealed record TrainingJobRequest(
    string? Module,
    string? Signature,
    string? Instructions,
    IReadOnlyList<TrainingExample?>? Trainset,
    IReadOnlyList<TrainingExample?>? Valset,
    string? SampleDataset,
    JsonObject? Optimizer,
    MetricRequest? Metric,
    JsonObject? ParamSpace);

/// <summary>One labelled example: input values and the expected output values.</summary>
public sealed record TrainingExample(JsonObject? Inputs, JsonObject? Outputs);

/// <summary>How predictions are scored.</summary>
/// <param name="Type">Metric type (<c>accuracy</c>).</param>
/// <param name="Key">Output field compared with the expected value.</param>
public sealed record MetricRequest(string? Type, string? Key);
