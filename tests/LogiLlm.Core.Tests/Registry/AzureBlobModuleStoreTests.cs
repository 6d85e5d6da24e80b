using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using LogiLlm.Registry;

namespace LogiLlm.Core.Tests.Registry;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobModuleStoreTests(AzuriteFixture azurite) : ModuleStoreContractTests
{
    private BlobContainerClient? _container;

    protected override IModuleStore CreateStore()
    {
        _container = azurite.NewContainer();
        return new AzureBlobModuleStore(_container);
    }

    // A client of its own (as another replica has), on the same container.
    protected override IModuleStore CreateReplica()
    {
        _container ??= azurite.NewContainer();
        return new AzureBlobModuleStore(new BlobContainerClient(azurite.Azurite.ConnectionString, _container.Name));
    }

    [Fact]
    public async Task Listing_takes_digests_from_blob_metadata_and_reads_verify_them()
    {
        var store = CreateStore();
        var info = await store.PublishAsync("m", "{\"a\":1}");
        var blob = _container!.GetBlobClient("m/versions/1.json");
        Assert.Equal(info.Sha256, (await blob.GetPropertiesAsync()).Value.Metadata["sha256"]);

        // Listing reports the recorded digest without reading the document; a read checks the bytes against it.
        var forged = new string('a', 64);
        await blob.SetMetadataAsync(new Dictionary<string, string> { ["sha256"] = forged });
        Assert.Equal(forged, Assert.Single(await store.ListVersionsAsync("m")).Sha256);
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(ModuleRef.Parse("m@1")));
        Assert.Contains("digest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_publisher_that_finds_its_number_taken_takes_the_next_and_leaves_the_other_intact()
    {
        var store = CreateStore();
        await _container!.CreateIfNotExistsAsync();

        // Another writer (without digest metadata) holds version 1 before this store has listed anything.
        await _container.GetBlobClient("m/versions/1.json").UploadAsync(BinaryData.FromString("foreign"));
        var info = await store.PublishAsync("m", "mine");

        Assert.Equal(2, info.Version);
        Assert.Equal("foreign", (await store.GetAsync(ModuleRef.Parse("m@1")))!.Document);
        Assert.Equal("mine", (await store.GetAsync(ModuleRef.Parse("m")))!.Document);

        // The foreign version's digest is computed once and recorded in its metadata.
        var listed = await store.ListVersionsAsync("m");
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("foreign"u8));
        Assert.Equal(expected, listed[0].Sha256);
        Assert.Equal(expected, (await _container.GetBlobClient("m/versions/1.json").GetPropertiesAsync()).Value.Metadata["sha256"]);
    }

    [Fact]
    public async Task Version_blobs_cannot_be_overwritten_through_a_conditional_write()
    {
        var store = CreateStore();
        await store.PublishAsync("m", "one");
        var blob = _container!.GetBlobClient("m/versions/1.json");

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => blob.UploadAsync(
            BinaryData.FromString("two"), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }));
        Assert.Equal(409, e.Status);
        Assert.Equal("one", (await store.GetAsync(ModuleRef.Parse("m@1")))!.Document);
    }

    [Fact]
    public async Task Latest_never_moves_backwards_when_aliases_race()
    {
        var store = CreateStore();
        var replicas = Enumerable.Range(0, 3).Select(_ => CreateReplica()).ToArray();
        var published = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => replicas[i % 3].PublishAsync("race", $"d{i}"))));

        Assert.Equal(12, published.Max(p => p.Version));
        Assert.Equal(12, (await store.GetAliasesAsync("race"))["latest"]);
        Assert.Equal("12", (await _container!.GetBlobClient("race/aliases/latest").DownloadContentAsync()).Value.Content.ToString());
    }
}
