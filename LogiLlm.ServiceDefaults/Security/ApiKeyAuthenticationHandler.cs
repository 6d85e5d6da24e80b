using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LogiLlm.Security;

/// <summary>Options of the API key scheme.</summary>
public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The keys that are accepted.</summary>
    public ApiKeySet Keys { get; set; } = new(new ApiKeyOptions());

    /// <summary>
    /// No credential is configured and the environment is Development: every request from loopback is admin, every
    /// other request is anonymous (and refused).
    /// </summary>
    public bool AllowAnonymousLoopback { get; set; }
}

/// <summary>
/// Authenticates <c>X-Api-Key: &lt;key&gt;</c> or <c>Authorization: Bearer &lt;key&gt;</c> against the configured keys.
/// A key is never logged or echoed: a failure names no key, a success names the key by its id.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<ApiKeyAuthenticationOptions>(options, logger, encoder)
{
    /// <summary>Name of the scheme.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>Header that carries a key.</summary>
    public const string HeaderName = "X-Api-Key";

    /// <summary>Name of the caller when anonymous loopback access is on.</summary>
    public const string LocalDeveloper = "local-development";

    /// <summary>The key a request carries, from <c>X-Api-Key</c> or else from <c>Authorization: Bearer</c>.</summary>
    public static string? ReadKey(HttpRequest request)
    {
        if (request.Headers[HeaderName] is { Count: > 0 } values)
        {
            return values.Count == 1 && !string.IsNullOrWhiteSpace(values[0]) ? values[0]!.Trim() : null;
        }

        return ReadBearer(request);
    }

    /// <summary>The credential of <c>Authorization: Bearer &lt;credential&gt;</c>, if any.</summary>
    public static string? ReadBearer(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return authorization.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && authorization.Length > prefix.Length
            ? authorization[prefix.Length..].Trim()
            : null;
    }

    /// <summary>True for a connection from this machine (loopback, or no network peer at all as in an in-process host).</summary>
    public static bool IsLoopback(ConnectionInfo connection) =>
        connection.RemoteIpAddress is not { } address
        || IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Options.AllowAnonymousLoopback)
        {
            return Task.FromResult(IsLoopback(Context.Connection)
                ? Success(LocalDeveloper, LogiLlmRoles.Admin)
                : AuthenticateResult.NoResult());
        }

        if (ReadKey(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        return Task.FromResult(Options.Keys.Find(presented) is { } match
            ? Success(match.KeyId, match.Role)
            : AuthenticateResult.Fail("The API key is not valid."));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.Append(HeaderNames.WWWAuthenticate, "Bearer");
        Response.Headers.Append(HeaderNames.WWWAuthenticate, $"ApiKey header=\"{HeaderName}\"");
        return Task.CompletedTask;
    }

    private AuthenticateResult Success(string name, string role)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)],
            Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
