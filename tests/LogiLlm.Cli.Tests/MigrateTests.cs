using System.Text.Json.Nodes;
using LogiLlm.Persistence;

namespace LogiLlm.Cli.Tests;

/// <summary><c>logillm migrate</c> on a file written by Python LogiLLM 0.2.17.</summary>
public sealed class MigrateTests
{
    [Fact]
    public async Task Check_reports_what_would_change_exits_1_and_leaves_the_file_alone()
    {
        using var folder = new TempFolder();
        var path = folder.File("optimized.json");
        File.Copy(SharedPaths.Fixture("optimized.json"), path);
        var before = await File.ReadAllBytesAsync(path);

        var run = await CliRunner.RunAsync(["migrate", path, "--check", "--json"]);
        Assert.True(run.ExitCode == ExitCodes.Failed, run.ToString());
        var json = JsonNode.Parse(run.Out)!;
        Assert.False((bool)json["upToDate"]!);
        Assert.False((bool)json["migrated"]!);
        Assert.Contains(json["reasons"]!.AsArray(), r => ((string)r!).Contains("no integrity digest", StringComparison.Ordinal));
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    [Fact]
    public async Task Migrate_keeps_a_backup_and_re_saves_in_the_current_format_with_a_digest()
    {
        using var folder = new TempFolder();
        var path = folder.File("optimized.json");
        File.Copy(SharedPaths.Fixture("optimized.json"), path);
        var before = await File.ReadAllBytesAsync(path);
        var original = ModuleLoader.LoadModule(path);

        var run = await CliRunner.RunAsync(["migrate", path]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("Migrated", run.Out);
        Assert.Equal(before, await File.ReadAllBytesAsync(path + ".bak"));

        var migrated = ModuleLoader.LoadWithReport(path, new LoadOptions { RequireDigest = true });
        Assert.Equal(DigestStatus.Verified, migrated.Report.Digest);
        Assert.Equal(ModuleFileFormat.CurrentVersion, (int)JsonNode.Parse(await File.ReadAllTextAsync(path))!["format_version"]!);
        Assert.Equal(original.Signature, migrated.Module.Signature);
        Assert.Equal(original.DemoManager.Demos.Count, migrated.Module.DemoManager.Demos.Count);

        var again = await CliRunner.RunAsync(["migrate", path, "--check"]);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("is current", again.Out);
    }
}
