using System.Text.Json.Nodes;

namespace LogiLlm.Inference.Apis;

/// <summary>Body of a prediction request.</summary>
public sealed record PredictRequest(JsonObject? Inputs);

/// <summary>Body of a batch request.</summary>
public sealed record PredictBatchRequest(IReadOnlyList<PredictRequest?>? Items);

/// <summary>A prediction; <paramref name="Cached"/> when every model call of the answer was answered by the response cache.</summary>
public sealed record PredictResponse(IReadOnlyDictionary<string, object?> Outputs, string Module, int Version, TokenUsageDto? Usage, bool Cached);

/// <summary>One answer of a batch: outputs or the error of that item.</summary>
public sealed record BatchItemResult(IReadOnlyDictionary<string, object?>? Outputs, string? Error, TokenUsageDto? Usage);

/// <summary>The answers of a batch, in request order.</summary>
public sealed record PredictBatchResponse(string Module, int Version, IReadOnlyList<BatchItemResult> Results);

/// <summary>Tokens the model call used.</summary>
public sealed record TokenUsageDto(long InputTokens, long OutputTokens);

/// <summary>A field of the signature.</summary>
public sealed record FieldDto(string Name, string Type, string? Description, bool Required);

/// <summary>What a saved module is and how it is served.</summary>
public sealed record ModuleDescription(
    string Name, int Version, string ModuleType, string State, string? Signature, string? Instructions,
    IReadOnlyList<FieldDto> Inputs, IReadOnlyList<FieldDto> Outputs, JsonObject Config, int DemoCount, int MaxDemos,
    string SelectionStrategy, string? Adapter, JsonNode? Lineage, ProviderDto? SavedProvider, ProviderDto ServingProvider,
    string? ProviderMismatch, string Digest);

/// <summary>A provider by name and model (never its key).</summary>
public sealed record ProviderDto(string Name, string Model);

/// <summary>A rendered prompt.</summary>
public sealed record PromptResponse(string Module, int Version, IReadOnlyList<PromptMessage> Messages, JsonObject Options);

/// <summary>One chat message of a prompt.</summary>
public sealed record PromptMessage(string Role, string Content);
