namespace LogiLlm.AppHost.Registry;

/// <summary>
/// A local Azurite blob service (the pinned npm package in <c>tools/azurite</c>) run by node, with an account whose
/// key is made up at every AppHost start: data persists in <c>--location</c>, keys are only checked per request.
/// </summary>
public sealed class AzuriteResource(string name, string workingDirectory, string accountKey)
    : ExecutableResource(name, "node", workingDirectory), IResourceWithConnectionString
{
    internal const string EndpointName = "blob";
    internal const string AccountName = "logillm";

    private EndpointReference? _endpoint;

    /// <summary>The blob endpoint, allocated by the orchestrator.</summary>
    public EndpointReference BlobEndpoint => _endpoint ??= new(this, EndpointName);

    internal string AccountKey => accountKey;

    /// <inheritdoc />
    // IP-style host: the storage SDK then reads the account from the first path segment, as Azurite serves it.
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={accountKey};BlobEndpoint=http://127.0.0.1:{BlobEndpoint.Property(EndpointProperty.Port)}/{AccountName};");
}
