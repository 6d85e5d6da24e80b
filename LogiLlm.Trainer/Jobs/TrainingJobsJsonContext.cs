using System.Text.Json.Serialization;

namespace LogiLlm.Trainer.Jobs;

/// <summary>Source-generated JSON for the job payloads kept in Redis.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowOutOfOrderMetadataProperties = true)]
[JsonSerializable(typeof(TrainingJobSpec))]
[JsonSerializable(typeof(TrainingJobResult))]
[JsonSerializable(typeof(TrainingJob))]
public sealed partial class TrainingJobsJsonContext : JsonSerializerContext;
