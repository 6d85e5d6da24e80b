using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogiLlm.Security;

/// <summary>Reports how callers are authenticated; says so plainly when access is open to loopback callers.</summary>
public sealed class AuthHealthCheck(AuthOptions settings, int keyCount) : IHealthCheck
{
    /// <summary>What an open local run reports (and logs at startup).</summary>
    public const string OpenAccessWarning =
        "No API key and no OIDC authority is configured: anonymous access is allowed from loopback only, because the environment is Development. "
        + "Set Parameters:inference-api-key and Parameters:admin-api-key in the AppHost (or Auth:ApiKeys:Predict / Auth:ApiKeys:Admin) to require keys.";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["api_keys"] = keyCount,
            ["oidc"] = settings.OidcEnabled,
            ["anonymous_loopback"] = !settings.HasCredentials,
        };
        return Task.FromResult(settings.HasCredentials
            ? HealthCheckResult.Healthy($"{keyCount} API key(s){(settings.OidcEnabled ? ", OIDC bearer tokens" : string.Empty)}.", data)
            : HealthCheckResult.Healthy(OpenAccessWarning, data));
    }
}
