namespace LogiLlm.AppHost.Cache;

/// <summary>A local <c>redis-server</c> process that services reach through its connection string.</summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    /// <summary>The TCP endpoint, allocated by the orchestrator.</summary>
    public EndpointReference PrimaryEndpoint => _endpoint ??= new(this, EndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
