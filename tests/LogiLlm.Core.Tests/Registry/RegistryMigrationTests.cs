using LogiLlm.Registry;

namespace LogiLlm.Core.Tests.Registry;

[Collection(AzuriteCollection.Name)]
public sealed class RegistryMigrationTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "logillm-migrate-" + Guid.NewGuid().ToString("N"));

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
    public async Task CopyAsync_moves_a_file_registry_into_blob_storage_with_versions_aliases_and_digests()
    {
        var source = new FileSystemModuleStore(_root);
        for (var i = 1; i <= 12; i++)
        {
            await source.PublishModuleAsync("email", new LogiLlm.Predict($"email -> category{i}"));
        }

        await source.PublishAsync("notes", "{\"n\":1}");
        await source.PublishAsync("notes", "{\"n\":2}");
        await source.SetAliasAsync("email", "production", 7);
        await source.SetAliasAsync("notes", "latest", 1);
        var target = new AzureBlobModuleStore(azurite.NewContainer());

        var report = await RegistryMigration.CopyAsync(source, target);

        Assert.Equal(["email", "notes"], report.Modules);
        Assert.Equal(14, report.VersionsCopied);
        Assert.Equal(0, report.VersionsAlreadyPresent);
        Assert.Equal(["email", "notes"], await target.ListModulesAsync());
        foreach (var name in report.Modules)
        {
            Assert.Equal(
                (await source.ListVersionsAsync(name)).Select(v => (v.Version, v.Sha256, v.SizeBytes)),
                (await target.ListVersionsAsync(name)).Select(v => (v.Version, v.Sha256, v.SizeBytes)));
            Assert.Equal(await source.GetAliasesAsync(name), await target.GetAliasesAsync(name));
        }

        Assert.Equal(new Dictionary<string, int> { ["latest"] = 1 }, await target.GetAliasesAsync("notes"));
        Assert.Equal((await source.GetAsync(ModuleRef.Parse("email@production")))!.Document, (await target.GetAsync(ModuleRef.Parse("email@production")))!.Document);
        var loaded = await target.LoadModuleAsync(ModuleRef.Parse("email@12"));
        Assert.Equal(LogiLlm.Persistence.DigestStatus.Verified, loaded!.Report.Digest);

        // Running it again (e.g. after an interruption) copies nothing twice.
        var again = await RegistryMigration.CopyAsync(source, target);
        Assert.Equal(0, again.VersionsCopied);
        Assert.Equal(14, again.VersionsAlreadyPresent);
        Assert.Equal(12, (await target.ListVersionsAsync("email")).Count);
    }

    [Fact]
    public async Task CopyAsync_refuses_a_target_holding_other_documents_under_the_same_numbers()
    {
        var source = new FileSystemModuleStore(_root);
        await source.PublishAsync("m", "{\"source\":1}");
        var target = new AzureBlobModuleStore(azurite.NewContainer());
        await target.PublishAsync("m", "{\"other\":1}");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RegistryMigration.CopyAsync(source, target));
        Assert.Contains("m@1", e.Message, StringComparison.Ordinal);
        Assert.Equal("{\"other\":1}", (await target.GetAsync(ModuleRef.Parse("m")))!.Document);
        Assert.Equal("{\"source\":1}", (await source.GetAsync(ModuleRef.Parse("m")))!.Document);
    }
}
