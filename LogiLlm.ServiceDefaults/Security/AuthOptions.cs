namespace LogiLlm.Security;

/// <summary>Who may call the services (<c>Auth</c> section): API keys per role and, optionally, an OIDC authority.</summary>
public sealed class AuthOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Auth";

    /// <summary>API keys by role; each value holds one key or several, comma-separated, so that keys can be rotated.</summary>
    public ApiKeyOptions ApiKeys { get; set; } = new();

    /// <summary>OIDC authority whose JWT bearer tokens are accepted (e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>).</summary>
    public string? Authority { get; set; }

    /// <summary>Audience the tokens must be issued for (e.g. <c>api://logillm</c> or the app's client id).</summary>
    public string? Audience { get; set; }

    /// <summary>Claim of a token that carries its roles (<c>roles</c>, as Entra ID app roles do).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>True when JWT bearer tokens are accepted.</summary>
    public bool OidcEnabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(Audience);

    /// <summary>True when any credential at all is configured: a key of either role or an authority.</summary>
    public bool HasCredentials => OidcEnabled || ApiKeys.PredictKeys.Count > 0 || ApiKeys.AdminKeys.Count > 0;
}

/// <summary>API keys of the two roles (<c>Auth:ApiKeys</c>).</summary>
public sealed class ApiKeyOptions
{
    /// <summary>Keys of role <c>predict</c> (the AppHost parameter <c>inference-api-key</c>).</summary>
    public string? Predict { get; set; }

    /// <summary>Keys of role <c>admin</c> (the AppHost parameter <c>admin-api-key</c>).</summary>
    public string? Admin { get; set; }

    /// <summary>The predict keys, split and trimmed.</summary>
    public IReadOnlyList<string> PredictKeys => Split(Predict);

    /// <summary>The admin keys, split and trimmed.</summary>
    public IReadOnlyList<string> AdminKeys => Split(Admin);

    private static string[] Split(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
