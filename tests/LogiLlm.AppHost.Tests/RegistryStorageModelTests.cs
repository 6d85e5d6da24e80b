using Microsoft.Extensions.DependencyInjection;

namespace LogiLlm.AppHost.Tests;

/// <summary>The registry storage part of the app model, checked without starting anything.</summary>
public sealed class RegistryStorageModelTests : IDisposable
{
    private readonly string _emptyTool = Path.Combine(Path.GetTempPath(), "logillm-tests", "azurite-tool-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_emptyTool, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<DistributedApplicationModel> ModelAsync(params string[] args)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LogiLlm_AppHost>(
            ["--Redis:Mode=executable", $"--Registry:AzuriteLocation={Path.Combine(_emptyTool, "data")}", .. args]);
        await using var app = await builder.BuildAsync();
        return app.Services.GetRequiredService<DistributedApplicationModel>();
    }

    [Fact]
    public async Task The_file_store_is_the_default_and_runs_no_azurite()
    {
        var model = await ModelAsync();

        Assert.DoesNotContain(model.Resources, r => r.Name.StartsWith("registry-storage", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Blob_store_runs_the_pinned_azurite_and_installs_it_first_when_it_is_missing()
    {
        Directory.CreateDirectory(_emptyTool);
        var model = await ModelAsync("--Registry:Store=blob", $"--Registry:AzuriteTool={_emptyTool}");

        var azurite = Assert.IsAssignableFrom<ExecutableResource>(model.Resources.Single(r => r.Name == "registry-storage"));
        Assert.Equal("node", azurite.Command);
        var install = Assert.IsAssignableFrom<ExecutableResource>(model.Resources.Single(r => r.Name == "registry-storage-install"));
        Assert.Equal("npm", install.Command);
        Assert.Equal(_emptyTool, install.WorkingDirectory);
        var wait = Assert.Single(azurite.Annotations.OfType<WaitAnnotation>());
        Assert.Same(install, wait.Resource);
        Assert.Equal(WaitType.WaitForCompletion, wait.WaitType);
    }

    [Fact]
    public async Task Blob_store_with_azurite_installed_starts_it_directly()
    {
        var model = await ModelAsync("--Registry:Store=blob");

        Assert.Contains(model.Resources, r => r.Name == "registry-storage");
        Assert.DoesNotContain(model.Resources, r => r.Name == "registry-storage-install");
    }

    [Fact]
    public async Task An_unknown_store_is_refused_naming_the_setting()
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ModelAsync("--Registry:Store=s3"));
        Assert.Contains("Registry:Store", e.ToString(), StringComparison.Ordinal);
    }
}
