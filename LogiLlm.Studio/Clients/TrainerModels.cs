using System.Text.Json.Nodes;

namespace LogiLlm.Studio.Clients;

/// <summary>A module and its aliases (<c>GET /api/modules</c>).</summary>
public sealed record ModuleSummary(string Name, int LatestVersion, IReadOnlyDictionary<string, int> Aliases);

/// <summary>One immutable version in the registry.</summary>
public sealed record ModuleVersionInfo(string Name, int Version, DateTimeOffset CreatedAt, long SizeBytes, string Sha256);

/// <summary>The versions of a module (<c>GET /api/modules/{name}/versions</c>).</summary>
public sealed record ModuleVersions(string Name, IReadOnlyList<ModuleVersionInfo> Versions, IReadOnlyDictionary<string, int> Aliases);

/// <summary>A shipped sample dataset (<c>GET /api/sample-datasets</c>).</summary>
public sealed record SampleDatasetInfo(string Name, string Signature, int TrainCount, int DevCount);

/// <summary>Progress of a training job.</summary>
public sealed record TrainingProgress(int Done, int Total, double? BestScore, string? Phase);

/// <summary>What a succeeded job produced.</summary>
public sealed record TrainingJobResult(string Module, int Version, double BaselineScore, double BestScore, double Improvement);

/// <summary>A training job as the trainer reports it.</summary>
public sealed record TrainingJob(
    string Id, string Status, string Module, string Optimizer, TrainingProgress Progress, TrainingJobResult? Result, string? Error,
    int Attempts, bool CancelRequested, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, long Revision)
{
    public bool IsTerminal => Status is "succeeded" or "failed" or "cancelled";
}

/// <summary>The answer to a job creation.</summary>
public sealed record TrainingJobAccepted(string Id, string Status);

/// <summary>A prediction (<c>POST /api/modules/{ref}/predict</c>).</summary>
public sealed record PredictResponse(JsonObject Outputs, string Module, int Version, TokenUsage? Usage, bool Cached);

/// <summary>Tokens a model call used.</summary>
public sealed record TokenUsage(long InputTokens, long OutputTokens);

/// <summary>A field of a signature.</summary>
public sealed record FieldInfo(string Name, string Type, string? Description, bool Required);

/// <summary>A provider by name and model.</summary>
public sealed record ProviderInfo(string Name, string Model);

/// <summary>How inference serves a module (<c>GET /api/modules/{ref}</c>).</summary>
public sealed record ModuleDescription(
    string Name, int Version, string ModuleType, string State, string? Signature, string? Instructions,
    IReadOnlyList<FieldInfo> Inputs, IReadOnlyList<FieldInfo> Outputs, JsonObject Config, int DemoCount, int MaxDemos,
    string SelectionStrategy, string? Adapter, JsonNode? Lineage, ProviderInfo? SavedProvider, ProviderInfo ServingProvider,
    string? ProviderMismatch, string Digest);

/// <summary>The prompt a module sends.</summary>
public sealed record PromptResponse(string Module, int Version, IReadOnlyList<PromptMessage> Messages, JsonObject Options);

/// <summary>One chat message of a prompt.</summary>
public sealed record PromptMessage(string Role, string Content);
