using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogiLlm.AppHost.Registry;

/// <summary>Healthy once Azurite answers HTTP on its blob endpoint (any status: an unsigned request is refused, but answered).</summary>
internal sealed class AzuriteHealthCheck(AzuriteResource resource) : IHealthCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var port = await resource.BlobEndpoint.Property(EndpointProperty.Port).GetValueAsync(cancellationToken);
            using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{port}/{AzuriteResource.AccountName}?comp=list"), cancellationToken);
            return HealthCheckResult.Healthy($"Azurite answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Azurite does not answer yet.", ex);
        }
    }
}
