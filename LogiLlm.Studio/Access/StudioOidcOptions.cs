namespace LogiLlm.Studio.Access;

/// <summary>
/// Sign-in with OpenID Connect (Entra ID or any OIDC authority) for people, beside the admin key. On when
/// <c>Auth:Authority</c> (the authority the services trust for bearer tokens) and <c>Auth:Studio:ClientId</c> (the
/// Studio's own app registration) are set. Only accounts whose role claim (<c>Auth:RoleClaim</c>, default
/// <c>roles</c>) holds <c>admin</c> may use the pages.
/// </summary>
public sealed class StudioOidcOptions
{
    public const string Section = "Auth";

    /// <summary>The OIDC authority, e.g. <c>https://login.microsoftonline.com/&lt;tenant-id&gt;/v2.0</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>The claim holding the account's roles.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The Studio's registration at the authority.</summary>
    public StudioClientOptions Studio { get; set; } = new();

    /// <summary>True when people can sign in with the authority.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) && !string.IsNullOrWhiteSpace(Studio.ClientId);

    /// <summary>The Studio's client registration (<c>Auth:Studio</c>).</summary>
    public sealed class StudioClientOptions
    {
        /// <summary>The client (application) id of the Studio's registration.</summary>
        public string? ClientId { get; set; }

        /// <summary>
        /// The client secret of a confidential registration (a secret parameter, never a file); empty for a public
        /// client, which signs in with the authorization code flow and PKCE alone.
        /// </summary>
        public string? ClientSecret { get; set; }

        /// <summary>What the sign-in button calls the authority (default "your organization").</summary>
        public string? DisplayName { get; set; }
    }
}
