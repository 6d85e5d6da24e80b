using LogiLlm.Demos;
using LogiLlm.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Where a save writes (symlinks), how a failed save names the file, and what it logs.</summary>
public class SaveTargetTests
{
    private static Predict Module()
    {
        var module = new Predict("email: str, tags: list[str] -> category: str");
        module.DemoManager.Add(Demo.Create(new { email = "a", tags = new[] { "x" } }, new { category = "c" }));
        module.DemoManager.Add(Demo.Create(new { email = "b", tags = new[] { "y" } }, new { category = "d" }));
        return module;
    }

    [Fact]
    public void Saving_through_a_symlink_writes_its_target_and_keeps_the_link()
    {
        using var temp = CreateTempDirectory();
        Directory.CreateDirectory(temp.File("v1"));
        var target = temp.File(Path.Combine("v1", "model.json"));
        File.WriteAllText(target, "old");
        var link = temp.File("latest.json");
        File.CreateSymbolicLink(link, Path.Combine("v1", "model.json")); // relative, as `ln -s` makes them

        Module().Save(link);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal(2, ModuleLoader.Load<Predict>(target).DemoManager.Demos.Count);
        Assert.Equal(File.ReadAllText(target), File.ReadAllText(link));
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void Saving_through_a_chain_of_links_writes_the_final_target()
    {
        using var temp = CreateTempDirectory();
        var target = temp.File("model.json");
        File.CreateSymbolicLink(temp.File("b.json"), target);
        File.CreateSymbolicLink(temp.File("a.json"), temp.File("b.json"));

        Module().Save(temp.File("a.json"));

        Assert.True(File.Exists(target));
        Assert.Null(new FileInfo(target).LinkTarget);
        Assert.NotNull(new FileInfo(temp.File("b.json")).LinkTarget);
    }

    [Fact]
    public void A_save_that_cannot_write_names_the_target_and_never_the_temp_file()
    {
        using var temp = CreateTempDirectory();
        var target = temp.File("taken");
        Directory.CreateDirectory(target); // a folder has the target's name: the final rename fails

        var e = Assert.Throws<PersistenceException>(() => Module().Save(target));

        Assert.Equal(target, e.FilePath);
        Assert.Contains(target, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_save_through_a_link_whose_folder_cannot_exist_names_the_target_and_the_link()
    {
        using var temp = CreateTempDirectory();
        File.WriteAllText(temp.File("file"), "x");
        var target = temp.File(Path.Combine("file", "model.json")); // its "folder" is a file
        var link = temp.File("latest.json");
        File.CreateSymbolicLink(link, target);

        var e = Assert.Throws<PersistenceException>(() => Module().Save(link));

        Assert.Equal(target, e.FilePath);
        Assert.Contains(target, e.Message, StringComparison.Ordinal);
        Assert.Contains("through the link", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(".tmp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_save_logs_at_debug_what_it_serialized()
    {
        using var temp = CreateTempDirectory();
        var path = temp.File("m.json");
        var logger = new FakeLogger();

        Module().Save(path, new SaveOptions { Logger = logger, IncludeProvider = false });

        var entry = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains(path, entry.Message, StringComparison.Ordinal);
        Assert.Contains("2 input and 1 output fields", entry.Message, StringComparison.Ordinal);
        Assert.Contains("2 demos", entry.Message, StringComparison.Ordinal);
        Assert.Contains("provider not saved", entry.Message, StringComparison.Ordinal);
        Assert.Equal(new FileInfo(path).Length, Convert.ToInt64(entry.StructuredState!.Single(p => p.Key == "Bytes").Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_debug_line_names_the_saved_provider()
    {
        var providers = new LogiLlm.Providers.ProviderRegistry();
        var module = Module();
        module.ProviderRegistry = providers;
        module.Provider = providers.CreateProvider("mock", "mock-model");
        var logger = new FakeLogger();

        _ = ModuleSaver.SaveToBytes(module, new SaveOptions { Logger = logger });

        Assert.Contains("provider mock (mock-model)", Assert.Single(logger.Collector.GetSnapshot()).Message, StringComparison.Ordinal);
    }
}
