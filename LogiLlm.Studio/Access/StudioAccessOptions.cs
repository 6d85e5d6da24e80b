namespace LogiLlm.Studio.Access;

/// <summary>
/// Who may use the Studio (<c>Auth</c> section). With an admin key, the Studio is closed: people sign in with the key
/// (a cookie), automation sends <c>Authorization: Bearer &lt;key&gt;</c>; the key is also what the Studio sends to
/// the trainer and inference. Without one (a local run), it is open, like the services' local run.
/// </summary>
public sealed class StudioAccessOptions
{
    public const string Section = "Auth";

    /// <summary>The admin API key (a secret parameter of the AppHost, never a file).</summary>
    public string? AdminApiKey { get; set; }

    /// <summary>True when a key is configured and every page needs it.</summary>
    public bool IsClosed => !string.IsNullOrEmpty(AdminApiKey);
}
