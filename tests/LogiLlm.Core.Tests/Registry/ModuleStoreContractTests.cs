using LogiLlm.Registry;

namespace LogiLlm.Core.Tests.Registry;

/// <summary>
/// The <see cref="IModuleStore"/> contract, run against every store (file system, Azure Blob on Azurite).
/// </summary>
public abstract class ModuleStoreContractTests
{
    /// <summary>A fresh, empty store; every call within one test sees the same data (as replicas of one registry do).</summary>
    protected abstract IModuleStore CreateStore();

    [Fact]
    public async Task Publish_creates_numbered_versions_and_moves_latest()
    {
        var store = CreateStore();
        var v1 = await store.PublishAsync("email", "{\"a\":1}");
        var v2 = await store.PublishAsync("email", "{\"a\":2}");

        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);
        Assert.Equal("{\"a\":2}", (await store.GetAsync(ModuleRef.Parse("email")))!.Document);
        Assert.Equal("{\"a\":1}", (await store.GetAsync(ModuleRef.Parse("email@1")))!.Document);
        Assert.Equal(2, (await store.GetAliasesAsync("email"))["latest"]);
        Assert.Equal([1, 2], (await store.ListVersionsAsync("email")).Select(v => v.Version));
        Assert.Equal(["email"], await store.ListModulesAsync());
    }

    [Fact]
    public async Task Digests_are_the_sha256_of_the_stored_bytes_in_listing_and_reads()
    {
        var store = CreateStore();
        const string document = "{\"text\":\"caf\u00e9 \u2615\"}";
        var info = await store.PublishAsync("digest", document);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(document)));

        Assert.Equal(expected, info.Sha256);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(document), info.SizeBytes);
        var listed = Assert.Single(await store.ListVersionsAsync("digest"));
        Assert.Equal(expected, listed.Sha256);
        Assert.Equal(info.SizeBytes, listed.SizeBytes);
        var read = await store.GetAsync(ModuleRef.Parse("digest@1"));
        Assert.Equal(expected, read!.Info.Sha256);
        Assert.Equal(document, read.Document);
    }

    [Fact]
    public async Task Versions_are_immutable_and_aliases_move()
    {
        var store = CreateStore();
        await store.PublishAsync("m", "one");
        await store.PublishAsync("m", "two");
        await store.SetAliasAsync("m", "production", 1);

        Assert.Equal("one", (await store.GetAsync(ModuleRef.Parse("m@production")))!.Document);
        await store.SetAliasAsync("m", "production", 2);
        Assert.Equal("two", (await store.GetAsync(ModuleRef.Parse("m@production")))!.Document);
        Assert.Equal(new Dictionary<string, int> { ["latest"] = 2, ["production"] = 2 }, await store.GetAliasesAsync("m"));
        await store.PublishAsync("m", "three");
        Assert.Equal("one", (await store.GetAsync(ModuleRef.Parse("m@1")))!.Document);
        Assert.Equal(new Dictionary<string, int> { ["latest"] = 3, ["production"] = 2 }, await store.GetAliasesAsync("m"));

        var info = (await store.ListVersionsAsync("m"))[0];
        Assert.Equal(3, info.SizeBytes);
        Assert.Equal(64, info.Sha256.Length);
    }

    [Fact]
    public async Task Listing_names_every_module_in_order_and_only_its_own_versions()
    {
        var store = CreateStore();
        await store.PublishAsync("zeta", "z1");
        await store.PublishAsync("alpha", "a1");
        await store.PublishAsync("alpha.v2", "b1");
        await store.PublishAsync("alpha", "a2");

        Assert.Equal(["alpha", "alpha.v2", "zeta"], await store.ListModulesAsync());
        Assert.Equal([1, 2], (await store.ListVersionsAsync("alpha")).Select(v => v.Version));
        Assert.Equal([1], (await store.ListVersionsAsync("alpha.v2")).Select(v => v.Version));
        Assert.Equal(new Dictionary<string, int> { ["latest"] = 1 }, await store.GetAliasesAsync("zeta"));
    }

    [Fact]
    public async Task Listing_sorts_versions_numerically_past_nine()
    {
        var store = CreateStore();
        for (var i = 1; i <= 11; i++)
        {
            await store.PublishAsync("many", $"doc-{i}");
        }

        Assert.Equal(Enumerable.Range(1, 11), (await store.ListVersionsAsync("many")).Select(v => v.Version));
        Assert.Equal(11, (await store.GetAliasesAsync("many"))["latest"]);
        Assert.Equal("doc-11", (await store.GetAsync(ModuleRef.Parse("many")))!.Document);
    }

    [Fact]
    public async Task Unknown_names_versions_and_aliases_resolve_to_null()
    {
        var store = CreateStore();
        await store.PublishAsync("m", "x");

        Assert.Null(await store.GetAsync(ModuleRef.Parse("nope")));
        Assert.Null(await store.GetAsync(ModuleRef.Parse("m@9")));
        Assert.Null(await store.GetAsync(ModuleRef.Parse("m@staging")));
        Assert.Null(await store.GetAsync(new ModuleRef("../m")));
        Assert.Empty(await store.ListVersionsAsync("nope"));
        Assert.Empty(await store.ListVersionsAsync("../m"));
        Assert.Empty(await store.GetAliasesAsync("nope"));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.SetAliasAsync("m", "prod", 5));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => store.SetAliasAsync("nope", "prod", 1));
        Assert.Equal(["m"], await store.ListModulesAsync());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData(".lock")]
    [InlineData("-dash")]
    public async Task Publish_rejects_names_that_are_not_safe(string name)
    {
        var store = CreateStore();
        await Assert.ThrowsAsync<ArgumentException>(() => store.PublishAsync(name, "{}"));
        Assert.Empty(await store.ListModulesAsync());
    }

    [Theory]
    [InlineData("12")]
    [InlineData("a/b")]
    [InlineData("")]
    public async Task SetAlias_rejects_aliases_that_are_not_safe(string alias)
    {
        var store = CreateStore();
        await store.PublishAsync("m", "x");
        await Assert.ThrowsAsync<ArgumentException>(() => store.SetAliasAsync("m", alias, 1));
        Assert.Equal(new Dictionary<string, int> { ["latest"] = 1 }, await store.GetAliasesAsync("m"));
    }

    [Fact]
    public async Task Parallel_publishers_get_distinct_versions_and_latest_is_the_highest()
    {
        const int writers = 24;
        var stores = Enumerable.Range(0, 4).Select(_ => CreateReplica()).ToArray();
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(i =>
            Task.Run(() => stores[i % stores.Length].PublishAsync("shared", $"doc-{i}"))));

        var versions = results.Select(r => r.Version).Order().ToArray();
        Assert.Equal(Enumerable.Range(1, writers), versions);
        Assert.Equal(writers, (await stores[0].GetAliasesAsync("shared"))["latest"]);
        Assert.Equal(Enumerable.Range(1, writers), (await stores[1].ListVersionsAsync("shared")).Select(v => v.Version));

        // Every version holds exactly the document its publisher wrote: nothing is lost or overwritten.
        foreach (var (r, i) in results.Select((r, i) => (r, i)))
        {
            var stored = await stores[0].GetAsync(r.Ref);
            Assert.Equal($"doc-{i}", stored!.Document);
            Assert.Equal(r.Sha256, stored.Info.Sha256);
        }
    }

    [Fact]
    public async Task Modules_publish_and_load_through_the_store_with_loader_checks()
    {
        var store = CreateStore();
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

    /// <summary>Another client of the store <see cref="CreateStore"/> made last (another process or replica).</summary>
    protected abstract IModuleStore CreateReplica();
}
