namespace LogiLlm.Studio;

/// <summary>Where the Studio finds the services and the dashboard (<c>Studio</c> section).</summary>
public sealed class StudioOptions
{
    public const string Section = "Studio";

    /// <summary>Base address of the trainer (service discovery name by default).</summary>
    public Uri TrainerUrl { get; set; } = new("http://trainer");

    /// <summary>Base address of inference (service discovery name by default).</summary>
    public Uri InferenceUrl { get; set; } = new("http://inference");

    /// <summary>The Aspire dashboard, for links to traces; none outside a run of the AppHost.</summary>
    public Uri? DashboardUrl { get; set; }
}
