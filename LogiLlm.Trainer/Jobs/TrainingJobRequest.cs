using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

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
/// <param name="ParamSpace">Hyperparameter search space for <c>hyperparameter</c> and <c>hybrid</c>:
/// each parameter a range <c>[min, max]</c> or <c>{"choices": [...]}</c>.</param>
public sealed record TrainingJobRequest(
    string? Module,
    string? Signature = null,
    string? Instructions = null,
    IReadOnlyList<TrainingExample?>? Trainset = null,
    IReadOnlyList<TrainingExample?>? Valset = null,
    string? SampleDataset = null,
    OptimizerSettings? Optimizer = null,
    MetricRequest? Metric = null,
    JsonObject? ParamSpace = null);

/// <summary>One labelled example: input values and the expected output values.</summary>
public sealed record TrainingExample(JsonObject? Inputs, JsonObject? Outputs);

/// <summary>How predictions are scored.</summary>
/// <param name="Type">Metric type; defaults to <c>accuracy</c>.</param>
/// <param name="Key">Output field compared with the expected value; defaults to the first output field.</param>
public sealed record MetricRequest(MetricType? Type = null, string? Key = null);

/// <summary>The metrics a job can score with.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<MetricType>))]
public enum MetricType
{
    /// <summary>The share of rows whose <c>key</c> output equals the expected value (<c>accuracy</c>).</summary>
    Accuracy,

    /// <summary>Every output a row lists must match (<c>exact-match</c>).</summary>
    ExactMatch,

    /// <summary>Token-overlap F1 of the <c>key</c> output (<c>f1</c>).</summary>
    F1,
}
