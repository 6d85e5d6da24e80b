namespace LogiLlm.AppHost.Cache;

/// <summary>The embedded Garnet server project (Redis-compatible) that services reach through its connection string.</summary>
public sealed class GarnetServerResource(string name) : ProjectResource(name), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    /// <summary>The TCP endpoint, allocated by the orchestrator.</summary>
    public EndpointReference PrimaryEndpoint => _endpoint ??= new(this, EndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
