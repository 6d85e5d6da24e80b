using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using Microsoft.Extensions.Logging;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

public class VersionAndProviderTests
{
    private static string WithVersion(string version)
    {
        var doc = JsonNode.Parse(File.ReadAllText(Fixture("basic.json")))!.AsObject();
        doc["logillm_version"] = version;
        return doc.ToJsonString();
    }

    [Fact]
    public void A_file_from_another_version_loads_with_a_logged_and_reported_warning()
    {
        var logger = new ListLogger();
        var result = ModuleLoader.LoadFromStringWithReport(WithVersion("0.0.9"), Isolated(new LoadOptions { Logger = logger }));

        Assert.True(result.Report.VersionMismatch);
        Assert.Equal("0.0.9", result.Report.SavedLibraryVersion);
        var warning = Assert.Single(result.Report.Warnings, w => w.Code == LoadDiagnostic.VersionMismatch);
        Assert.Contains("0.0.9", warning.Message, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("0.0.9", StringComparison.Ordinal));
    }

    [Fact]
    public void StrictVersion_refuses_another_version_with_a_Version_mismatch_message()
    {
        using var temp = CreateTempDirectory();
        var path = temp.File("old.json");
        File.WriteAllText(path, WithVersion("0.0.9"));

        var e = Assert.Throws<PersistenceException>(() => Predict.Load(path, new LoadOptions { StrictVersion = true }));

        Assert.StartsWith("Version mismatch", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
        Assert.Equal("$.logillm_version", e.JsonPath);
    }

    [Fact]
    public void StrictVersion_accepts_the_same_version()
    {
        var module = ModuleLoader.LoadModule(Fixture("basic.json"), Isolated(), out _);
        var again = ModuleLoader.LoadFromStringWithReport(ModuleSaver.SaveToString(module), Isolated(new LoadOptions { StrictVersion = true }));
        Assert.False(again.Report.VersionMismatch);
        Assert.Equal("Predict", again.Module.ModuleType);
    }

    [Fact]
    public void StrictVersion_refuses_a_Python_file_which_names_another_library_version()
    {
        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadModule(Fixture("basic.json"), Isolated(new LoadOptions { StrictVersion = true })));
        Assert.StartsWith("Version mismatch: saved with 0.1.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_active_provider_gives_a_provider_mismatch_warning()
    {
        var providers = new ProviderRegistry();
        providers.RegisterProvider(providers.CreateProvider("mock", "other-model"), setDefault: true);
        var logger = new ListLogger();

        var result = ModuleLoader.LoadWithReport(Fixture("provider.json"), new LoadOptions { Providers = providers, Logger = logger });

        Assert.True(result.Report.ProviderMismatch);
        var warning = Assert.Single(result.Report.Warnings, w => w.Code == LoadDiagnostic.ProviderMismatch);
        Assert.Contains("mock (mock-model)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("other-model", warning.Message, StringComparison.Ordinal);
        Assert.Contains(logger.Entries, e => e.Message.Contains("provider-mismatch", StringComparison.Ordinal));
    }

    [Fact]
    public void The_same_active_provider_gives_no_warning()
    {
        var providers = new ProviderRegistry();
        providers.RegisterProvider(providers.CreateProvider("mock", "mock-model"), setDefault: true);

        var result = ModuleLoader.LoadWithReport(Fixture("provider.json"), new LoadOptions { Providers = providers });

        Assert.False(result.Report.ProviderMismatch);
        // A Python file is from another library version: that is its only warning.
        Assert.Equal([LoadDiagnostic.VersionMismatch], result.Report.Warnings.Select(w => w.Code));
    }

    [Fact]
    public void A_provider_that_cannot_be_set_up_is_a_warning_and_the_module_still_loads()
    {
        var providers = new ProviderRegistry(registerBuiltIns: true, _ => null);
        var doc = JsonNode.Parse(File.ReadAllText(Fixture("provider.json")))!.AsObject();
        doc["provider_config"]!["name"] = "openai";
        doc["provider_config"]!["model"] = "gpt-4.1";

        var result = ModuleLoader.LoadFromStringWithReport(doc.ToJsonString(), new LoadOptions { SetupProvider = true, Providers = providers });

        Assert.Contains(result.Report.Warnings, w => w.Code == LoadDiagnostic.ProviderSetupFailed);
        Assert.Null(result.Report.ProviderSetUp);
        Assert.Null(providers.DefaultProvider);
        Assert.Equal("openai", result.Module.SavedProvider!.Name);
    }

    [Fact]
    public void Migration_of_python_files_is_reported_as_a_note_not_a_warning()
    {
        var result = ModuleLoader.LoadWithReport(Fixture("basic.json"), Isolated());
        Assert.Contains(result.Report.Diagnostics, d => d.Code == LoadDiagnostic.Migrated && !d.IsWarning);
        Assert.DoesNotContain(result.Report.Warnings, w => w.Code == LoadDiagnostic.Migrated);
    }

    [Fact]
    public async Task A_module_loaded_with_SetupProvider_answers_through_the_saved_provider()
    {
        var providers = new ProviderRegistry();
        var module = ModuleLoader.LoadModule(Fixture("provider.json"), new LoadOptions { SetupProvider = true, Providers = providers });

        var prediction = await module.InvokeAsync(new { text = "a long text to summarize" });

        Assert.True(prediction.Success, prediction.Error);
        Assert.Same(providers, module.ProviderRegistry);
        Assert.Equal("mock-model", prediction.ModelId);
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }
}
