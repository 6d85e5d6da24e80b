using LogiLlm.Security;

namespace LogiLlm.Studio.Access;

/// <summary>
/// Who may use the Studio (<c>Auth:ApiKeys</c>, the section the services read too). With admin keys, the Studio is
/// closed: people sign in with one (a cookie), automation sends <c>Authorization: Bearer &lt;key&gt;</c>; the first key
/// is what the Studio sends to the trainer and inference. Without one (a local run), it is open, like the services'
/// local run.
/// </summary>
public sealed class StudioAccessOptions
{
    public const string Section = "Auth:ApiKeys";

    /// <summary>The admin API keys, comma-separated for rotation (a secret parameter of the AppHost, never a file).</summary>
    public string? Admin { get; set; }

    /// <summary>The admin keys, in order.</summary>
    public IReadOnlyList<string> AdminKeys => Keys.AdminKeys;

    /// <summary>True when people may sign in with an OIDC authority (<see cref="StudioOidcOptions.Enabled"/>).</summary>
    public bool SignInWithOidc { get; set; }

    /// <summary>True when a key or an OIDC authority is configured and every page needs the admin role.</summary>
    public bool IsClosed => AdminKeys.Count > 0 || SignInWithOidc;

    /// <summary>The key the Studio presents to the services, or null.</summary>
    public string? ForwardedKey => AdminKeys.Count > 0 ? AdminKeys[0] : null;

    /// <summary>True when <paramref name="presented"/> is one of the admin keys (compared in constant time).</summary>
    public bool Accepts(string? presented) =>
        !string.IsNullOrEmpty(presented) && new ApiKeySet(Keys).Find(presented) is { Role: LogiLlmRoles.Admin };

    // The services' own reading of the section: one way to split and compare keys.
    private ApiKeyOptions Keys => new() { Admin = Admin };
}
