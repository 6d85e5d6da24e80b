using Microsoft.Extensions.Options;

namespace LogiLlm.Security;

/// <summary>
/// Service to service: sends the first configured admin key on every request of the client it is added to (inference
/// calling the trainer). Without an admin key (the local, open run) nothing is added.
/// </summary>
public sealed class AdminCredentialHandler(IOptions<AuthOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (options.Value.ApiKeys.AdminKeys is [var key, ..] && !request.Headers.Contains(ApiKeyAuthenticationHandler.HeaderName))
        {
            request.Headers.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
