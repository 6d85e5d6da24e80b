using System.ComponentModel.DataAnnotations;

namespace LogiLlm.Inference.Apis;

/// <summary>Limits of the serving API (<c>Inference</c> section).</summary>
public sealed class InferenceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Inference";

    /// <summary>Largest body of a predict or prompt request, in bytes (1 MiB); past it the answer is 413.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest body of a batch request, in bytes (8 MiB); past it the answer is 413.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxBatchRequestBodyBytes { get; set; } = 8 * 1024 * 1024;
}
