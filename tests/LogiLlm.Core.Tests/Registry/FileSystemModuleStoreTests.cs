using LogiLlm.Registry;

namespace LogiLlm.Core.Tests.Registry;

public sealed class FileSystemModuleStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "logillm-store-" + Guid.NewGuid().ToString("N"));

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
    public async Task Publish_creates_numbered_versions_and_moves_latest()
    {
        var store = new FileSystemModuleStore(_root);
        var v1 = await store.PublishAsync("email", "{\"a\":1}");
        var v2 = await store.PublishAsync("email", "{\"a\":2}");

        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);
        Assert.Equal("{\"a\":2}", (await store.GetAsync(ModuleRef.Parse("email")))!.Document);
        Assert.Equal("{\"a\":1}", (await store.GetAsync(ModuleRef.Parse("email@1")))!.Document);
        Assert.Equal(2, (await store.GetAliasesAsync("email"))["latest"]);
        Assert.Equal([1, 2], (await store.ListVersionsAsync("email")).Select(v => v.Version));
        Assert.Equal(["email"], await store.ListModulesAsync());
        Assert.Equal([v1.Sha256, v2.Sha256], (await store.ListVersionsAsync("email")).Select(v => v.Sha256));

        // The digest cache is rebuilt when it is lost.
        File.Delete(Path.Combine(_root, "email", "versions", "1.sha256"));
        Assert.Equal(v1.Sha256, (await store.ListVersionsAsync("email"))[0].Sha256);
        Assert.True(File.Exists(Path.Combine(_root, "email", "versions", "1.sha256")));
    }

    [Fact]
    public async Task Versions_are_immutable_and_aliases_move()
    {
        var store = new FileSystemModuleStore(_root);
        await store.PublishAsync("m", "one");
        await store.PublishAsync("m", "two");
        await store.SetAliasAsync("m", "production", 1);

        Assert.Equal("one", (await store.GetAsync(ModuleRef.Parse("m@production")))!.Document);
        await store.SetAliasAsync("m", "production", 2);
        Assert.Equal("two", (await store.GetAsync(ModuleRef.Parse("m@production")))!.Document);
        Assert.Equal(new Dictionary<string, int> { ["latest"] = 2, ["production"] = 2 }, await store.GetAliasesAsync("m"));

        var info = (await store.ListVersionsAsync("m"))[0];
        Assert.Equal(3, info.SizeBytes);
        Assert.Equal(64, info.Sha256.Length);
    }

    [Fact]
    public async Task Unknown_names_versions_and_aliases_resolve_to_null()
    {
        var store = new FileSystemModuleStore(_root);
        await store.PublishAsync("m", "x");

        Assert.Null(await store.GetAsync(ModuleRef.Parse("nope")));
        Assert.Null(await store.GetAsync(ModuleRef.Parse("m@9")));
        Assert.Null(await store.GetAsync(ModuleRef.Parse("m@staging")));
        Assert.Empty(await store.ListVersionsAsync("nope"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.SetAliasAsync("m", "prod", 5));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData(".lock")]
    public async Task Publish_rejects_names_that_are_not_safe_file_names(string name)
    {
        var store = new FileSystemModuleStore(_root);
        await Assert.ThrowsAsync<ArgumentException>(() => store.PublishAsync(name, "{}"));
    }

    [Fact]
    public async Task Parallel_publishers_get_distinct_versions_and_latest_is_the_highest()
    {
        const int writers = 24;
        var stores = Enumerable.Range(0, 4).Select(_ => new FileSystemModuleStore(_root)).ToArray();
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i =>
            Task.Run(() => stores[i % stores.Length].PublishAsync("shared", $"doc-{i}"))));

        var versions = results.Select(r => r.Version).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, writers), versions);
        Assert.Equal(writers, (await stores[0].GetAliasesAsync("shared"))["latest"]);

        // Every version holds exactly the document its publisher wrote.
        foreach (var r in results)
        {
            var stored = await stores[0].GetAsync(r.Ref);
            Assert.Equal(r.Sha256, stored!.Info.Sha256);
        }
    }

    [Fact]
    public async Task Modules_publish_and_load_through_the_store_with_loader_checks()
    {
        var store = new FileSystemModuleStore(_root);
        var module = new LogiLlm.Predict("email -> category");
        module.Config["temperature"] = 0.2;
        var info = await store.PublishModuleAsync("email", module);
        await store.PublishAsync("email", "{\"module_type\": \"Predict\", \"signature\": 3}");

        var loaded = await store.LoadModuleAsync(ModuleRef.Parse("email@1"));
        Assert.Equal(0.2, loaded!.Module.Config.Temperature);
        Assert.Equal(LogiLlm.Persistence.DigestStatus.Verified, loaded.Report.Digest);
        Assert.Null(await store.LoadModuleAsync(ModuleRef.Parse("email@9")));

        var e = await Assert.ThrowsAsync<LogiLlm.Persistence.PersistenceException>(() => store.LoadModuleAsync(ModuleRef.Parse("email")));
        Assert.Equal("email@2", e.FilePath);
        Assert.Equal("$.signature", e.JsonPath);
        Assert.Equal(1, info.Version);
    }
}
