using System.ComponentModel.DataAnnotations;

namespace LogiLlm.Inference.Modules;

/// <summary>The inference service's own settings (<c>Inference</c> section).</summary>
public sealed class InferenceOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Inference";

    /// <summary>
    /// A folder of saved module files baked into the deployment (the <c>COPY models/</c> pattern): every
    /// <c>*.json</c> in it is served by its file name (<c>models/email_classifier.json</c> -> <c>email_classifier</c>),
    /// loaded and validated at start-up. Relative paths are resolved against the content root. Empty = none.
    /// </summary>
    public string? ModulesPath { get; set; }

    /// <summary>Largest body of a predict or prompt request, in bytes (1 MiB); past it the answer is 413.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest body of a batch request, in bytes (8 MiB); past it the answer is 413.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxBatchRequestBodyBytes { get; set; } = 8 * 1024 * 1024;
}
