using LogiLlm.Registry;

namespace LogiLlm.Core.Tests.Registry;

public sealed class FileSystemModuleStoreTests : ModuleStoreContractTests, IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "logillm-store-" + Guid.NewGuid().ToString("N"));

    protected override IModuleStore CreateStore() => new FileSystemModuleStore(_root);

    protected override IModuleStore CreateReplica() => new FileSystemModuleStore(_root);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task The_digest_cache_is_rebuilt_when_it_is_lost()
    {
        var store = new FileSystemModuleStore(_root);
        var v1 = await store.PublishAsync("email", "{\"a\":1}");

        File.Delete(Path.Combine(_root, "email", "versions", "1.sha256"));
        Assert.Equal(v1.Sha256, (await store.ListVersionsAsync("email"))[0].Sha256);
        Assert.True(File.Exists(Path.Combine(_root, "email", "versions", "1.sha256")));
    }
}
