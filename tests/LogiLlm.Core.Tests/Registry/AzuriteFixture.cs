using Azure.Storage.Blobs;
using LogiLlm.Tests.Shared;

namespace LogiLlm.Core.Tests.Registry;

/// <summary>One Azurite for the blob store tests; each test works in a container of its own.</summary>
public sealed class AzuriteFixture : IDisposable
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "logillm-azurite-" + Guid.NewGuid().ToString("N"));

    public AzuriteFixture() => Azurite = AzuriteProcess.Start(_location);

    public AzuriteProcess Azurite { get; }

    /// <summary>A client of a container no other test uses (created by the store on first use).</summary>
    public BlobContainerClient NewContainer() => new(Azurite.ConnectionString, "t" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        Azurite.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
