using Microsoft.Extensions.Configuration;

namespace LogiLlm.AppHost;

/// <summary>Hands the API keys and the optional OIDC settings to a service.</summary>
internal static class AuthResourceExtensions
{
    /// <summary>
    /// <c>Auth__ApiKeys__Predict</c> and <c>Auth__ApiKeys__Admin</c> from the secret parameters; <c>Auth:Authority</c>,
    /// <c>Auth:Audience</c> and <c>Auth:RoleClaim</c> of the AppHost's configuration when set (not secrets).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithLogiLlmAuth(
        this IResourceBuilder<ProjectResource> service, IConfiguration configuration,
        IResourceBuilder<ParameterResource> predictKeys, IResourceBuilder<ParameterResource> adminKeys)
    {
        service.WithEnvironment("Auth__ApiKeys__Predict", predictKeys).WithEnvironment("Auth__ApiKeys__Admin", adminKeys);
        foreach (var setting in new[] { "Authority", "Audience", "RoleClaim" })
        {
            if (configuration[$"Auth:{setting}"] is { Length: > 0 } value)
            {
                service.WithEnvironment($"Auth__{setting}", value);
            }
        }

        return service;
    }
}
