using LogiLlm.Studio.Access;
using Microsoft.Extensions.Options;

namespace LogiLlm.Studio.Clients;

/// <summary>Sends the Studio's admin key to the trainer and inference (<c>X-Api-Key</c>) when one is configured.</summary>
public sealed class AdminKeyForwardingHandler(IOptions<StudioAccessOptions> access) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (AdminKey.First(access.Value.AdminApiKey) is { Length: > 0 } key)
        {
            request.Headers.Remove(AdminKeyAuthenticationHandler.ApiKeyHeader);
            request.Headers.TryAddWithoutValidation(AdminKeyAuthenticationHandler.ApiKeyHeader, key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
