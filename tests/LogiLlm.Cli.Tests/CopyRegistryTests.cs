using System.Text.Json.Nodes;
using LogiLlm.Cli.Commands;
using LogiLlm.Registry;

namespace LogiLlm.Cli.Tests;

/// <summary>One Azurite for the copy-registry tests; each test uses containers of its own.</summary>
public sealed class CliAzuriteFixture : IDisposable
{
    private readonly string _location = Path.Combine(Path.GetTempPath(), "logillm-cli-azurite-" + Guid.NewGuid().ToString("N"));

    public CliAzuriteFixture() => Azurite = AzuriteProcess.Start(_location);

    public AzuriteProcess Azurite { get; }

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

/// <summary><c>logillm copy-registry</c>: a file registry moved into blob storage (and back) with numbers, digests and aliases.</summary>
public sealed class CopyRegistryTests(CliAzuriteFixture azurite) : IClassFixture<CliAzuriteFixture>
{
    private Dictionary<string, string> Storage => new() { [CopyRegistryCommand.StorageVariable] = azurite.Azurite.ConnectionString };

    private static string NewContainer() => "c" + Guid.NewGuid().ToString("N")[..20];

    private static async Task<FileSystemModuleStore> FileRegistryAsync(string path)
    {
        var store = new FileSystemModuleStore(path);
        for (var i = 1; i <= 3; i++)
        {
            await store.PublishModuleAsync("email", new Predict($"email -> category{i}"));
        }

        await store.PublishModuleAsync("notes", new Predict("note -> summary"));
        await store.SetAliasAsync("email", "production", 2);
        return store;
    }

    private static async Task<List<(string, int, string)>> ListingAsync(IModuleStore store)
    {
        var listing = new List<(string, int, string)>();
        foreach (var name in await store.ListModulesAsync())
        {
            listing.AddRange((await store.ListVersionsAsync(name)).Select(v => (name, v.Version, v.Sha256)));
        }

        return listing;
    }

    [Fact]
    public async Task Copy_registry_moves_a_file_registry_into_blob_storage_with_numbers_digests_and_aliases_and_back()
    {
        using var folder = new TempFolder();
        var source = await FileRegistryAsync(folder.File("registry"));
        var container = NewContainer();

        var run = await CliRunner.RunAsync(["copy-registry", "--from", "file:" + folder.File("registry"), "--to", "blob:" + container, "--json"], environment: Storage);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        var report = JsonNode.Parse(run.Out)!;
        Assert.Equal(4, (int)report["versionsCopied"]!);
        Assert.True((bool)report["verified"]!);
        Assert.DoesNotContain(azurite.Azurite.ConnectionString, run.Out + run.Error, StringComparison.Ordinal);
        var target = AzureBlobModuleStore.FromConnectionString(azurite.Azurite.ConnectionString, container);
        Assert.Equal(await ListingAsync(source), await ListingAsync(target));
        Assert.Equal(2, (await target.GetAliasesAsync("email"))["production"]);

        // Again (as after an interruption): nothing is copied twice.
        var again = await CliRunner.RunAsync(["copy-registry", "--from", "file:" + folder.File("registry"), "--to", "blob:" + container, "--json"], environment: Storage);
        Assert.True(again.ExitCode == ExitCodes.Success, again.ToString());
        Assert.Equal(0, (int)JsonNode.Parse(again.Out)!["versionsCopied"]!);
        Assert.Equal(4, (int)JsonNode.Parse(again.Out)!["versionsAlreadyPresent"]!);

        // And back into a new folder: a local backup of the production registry.
        var back = await CliRunner.RunAsync(["copy-registry", "--from", "blob:" + container, "--to", "file:" + folder.File("backup"), "--json"], environment: Storage);
        Assert.True(back.ExitCode == ExitCodes.Success, back.ToString());
        var backup = new FileSystemModuleStore(folder.File("backup"));
        Assert.Equal(await ListingAsync(source), await ListingAsync(backup));
        Assert.Equal(2, (await backup.GetAliasesAsync("email"))["production"]);
    }

    [Fact]
    public async Task Copy_registry_into_a_target_holding_other_documents_fails_naming_the_version_and_changes_neither()
    {
        using var folder = new TempFolder();
        var source = await FileRegistryAsync(folder.File("registry"));
        var container = NewContainer();
        var target = AzureBlobModuleStore.FromConnectionString(azurite.Azurite.ConnectionString, container);
        await target.PublishAsync("email", "{\"other\":1}");
        var before = await ListingAsync(source);

        var run = await CliRunner.RunAsync(["copy-registry", "--from", "file:" + folder.File("registry"), "--to", "blob:" + container, "--quiet"], environment: Storage);

        CliRunner.AssertOneLineError(run, ExitCodes.Failed, "email@1");
        Assert.Equal(before, await ListingAsync(source));
        Assert.Equal("{\"other\":1}", (await target.GetAsync(ModuleRef.Parse("email@1")))!.Document);
        Assert.Single(await target.ListVersionsAsync("email"));
    }

}

/// <summary><c>logillm copy-registry</c> bad usage: exit code 2, one line naming the option, never a secret echoed.</summary>
public sealed class CopyRegistryUsageTests
{
    private static Dictionary<string, string> Storage => new() { [CopyRegistryCommand.StorageVariable] = "UseDevelopmentStorage=true" };

    private static async Task FileRegistryAsync(string path) => await new FileSystemModuleStore(path).PublishModuleAsync("email", new Predict("email -> category"));

    [Fact]
    public async Task Copy_registry_to_blob_without_the_storage_variable_exits_2_naming_it()
    {
        using var folder = new TempFolder();
        await FileRegistryAsync(folder.File("registry"));

        var run = await CliRunner.RunAsync(["copy-registry", "--from", "file:" + folder.File("registry"), "--to", "blob:modules"]);

        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, CopyRegistryCommand.StorageVariable);
    }

    [Fact]
    public async Task A_malformed_connection_string_is_refused_without_echoing_it()
    {
        using var folder = new TempFolder();
        await FileRegistryAsync(folder.File("registry"));
        const string Secret = "AccountName=x;AccountKey=c2VjcmV0LWtleS1tdXN0LW5vdC1sZWFr;NotAField";

        var run = await CliRunner.RunAsync(
            ["copy-registry", "--from", "file:" + folder.File("registry"), "--to", "blob:modules"],
            environment: new Dictionary<string, string> { [CopyRegistryCommand.StorageVariable] = Secret });

        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "connection string");
        Assert.DoesNotContain("c2VjcmV0", run.Out + run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registry", "--from")]
    [InlineData("file:", "--from")]
    [InlineData("blob:Not_A_Container", "--from")]
    [InlineData("DefaultEndpointsProtocol=http;AccountKey=c2VjcmV0;BlobEndpoint=http://x", "--from")]
    public async Task A_store_that_is_not_file_or_blob_exits_2_naming_the_option_and_echoes_no_value(string from, string mentions)
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(["copy-registry", "--from", from, "--to", "file:" + folder.File("t")], environment: Storage);

        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, mentions);
        Assert.DoesNotContain("c2VjcmV0", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("t")));
    }

    [Fact]
    public async Task Copying_a_missing_folder_exits_2_and_creates_nothing()
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(["copy-registry", "--from", "file:" + folder.File("nope"), "--to", "file:" + folder.File("t")]);

        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "does not exist");
        Assert.False(Directory.Exists(folder.File("t")));
    }
}
