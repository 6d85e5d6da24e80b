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
}
