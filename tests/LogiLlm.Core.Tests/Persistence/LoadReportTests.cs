using System.Text.Json.Nodes;
using LogiLlm.Hosting;
using LogiLlm.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Load warnings a caller can catch: on the module itself, in the logger given, else in the host's default factory.</summary>
[Collection(PersistenceLoggingCollection.Name)]
public class LoadReportTests
{
    private static string OlderFile(TempDirectory temp, string version = "0.0.9")
    {
        var doc = JsonNode.Parse(File.ReadAllText(Fixture("basic.json")))!.AsObject();
        doc["logillm_version"] = version;
        var path = temp.File($"older-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, doc.ToJsonString());
        return path;
    }

    [Fact]
    public void A_plain_Predict_Load_of_an_older_file_carries_the_version_warning_on_the_module()
    {
        using var temp = CreateTempDirectory();
        var path = OlderFile(temp);

        var loaded = Predict.Load(path);

        var report = Assert.IsType<LoadReport>(loaded.LoadReport);
        Assert.True(report.VersionMismatch);
        Assert.Equal(path, report.FilePath);
        var warning = Assert.Single(report.Warnings, w => w.Code == LoadDiagnostic.VersionMismatch);
        Assert.Contains("0.0.9", warning.Message, StringComparison.Ordinal);
        Assert.Contains(LibraryVersion.Current, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_module_built_in_code_or_cloned_has_no_load_report()
    {
        using var temp = CreateTempDirectory();
        var loaded = Predict.Load(OlderFile(temp));

        Assert.Null(new Predict("a -> b").LoadReport);
        Assert.Null(loaded.Clone().LoadReport);
    }

    [Fact]
    public void Every_module_of_a_loaded_composite_carries_the_report_of_its_load()
    {
        var pipeline = new Pipeline();
        pipeline.AddChild("first", new Predict("a -> b"));
        pipeline.AddChild("second", new ChainOfThought("b -> c"));
        var doc = ModuleSaver.CreateDocument(pipeline);
        doc["logillm_version"] = "0.0.1";
        doc.Remove("integrity");

        var loaded = ModuleLoader.LoadFromString(doc.ToJsonString(), Isolated(new LoadOptions { ModuleTypes = TestModuleTypes.Create() }));

        Assert.NotNull(loaded.LoadReport);
        Assert.True(loaded.LoadReport.VersionMismatch);
        Assert.All(loaded.Children.Values, child => Assert.Same(loaded.LoadReport, child.LoadReport));
    }

    [Fact]
    public void Without_a_logger_load_warnings_go_to_the_default_logger_factory_a_host_set()
    {
        using var temp = CreateTempDirectory();
        var path = OlderFile(temp);
        var collector = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(collector)));
        PersistenceLogging.DefaultLoggerFactory = factory;
        try
        {
            _ = Predict.Load(path);
        }
        finally
        {
            PersistenceLogging.Reset(factory);
        }

        var entry = Assert.Single(collector.GetSnapshot(), e => e.Level == LogLevel.Warning && e.Message.Contains(path, StringComparison.Ordinal));
        Assert.Equal(PersistenceLogging.CategoryName, entry.Category);
        Assert.Contains("version-mismatch", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_logger_takes_precedence_over_the_default_factory()
    {
        using var temp = CreateTempDirectory();
        var path = OlderFile(temp);
        var defaults = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(defaults)));
        var mine = new FakeLogger();
        PersistenceLogging.DefaultLoggerFactory = factory;
        try
        {
            _ = Predict.Load(path, new LoadOptions { Logger = mine });
        }
        finally
        {
            PersistenceLogging.Reset(factory);
        }

        Assert.Contains(mine.Collector.GetSnapshot(), e => e.Level == LogLevel.Warning && e.Message.Contains("0.0.9", StringComparison.Ordinal));
        Assert.DoesNotContain(defaults.GetSnapshot(), e => e.Message.Contains(path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_hosting_extension_sets_the_default_factory_while_the_host_runs_and_clears_it_after()
    {
        var collector = new FakeLogCollector();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(new FakeLoggerProvider(collector));
        builder.Services.AddLogiLlmPersistenceLogging();
        using var host = builder.Build();

        await host.StartAsync();
        var factory = host.Services.GetRequiredService<ILoggerFactory>();
        Assert.Same(factory, PersistenceLogging.DefaultLoggerFactory);
        await host.StopAsync();

        Assert.Null(PersistenceLogging.DefaultLoggerFactory);
    }

    [Fact]
    public void Resetting_with_another_factory_leaves_the_current_one_alone()
    {
        using var mine = LoggerFactory.Create(_ => { });
        using var other = LoggerFactory.Create(_ => { });
        PersistenceLogging.DefaultLoggerFactory = mine;
        try
        {
            PersistenceLogging.Reset(other);
            Assert.Same(mine, PersistenceLogging.DefaultLoggerFactory);
        }
        finally
        {
            PersistenceLogging.Reset(mine);
        }
    }

    [Fact]
    public void A_disposed_default_factory_never_fails_a_load()
    {
        using var temp = CreateTempDirectory();
        var path = OlderFile(temp);
        var factory = LoggerFactory.Create(_ => { });
        factory.Dispose();
        PersistenceLogging.DefaultLoggerFactory = factory;
        try
        {
            Assert.True(Predict.Load(path).LoadReport!.VersionMismatch);
        }
        finally
        {
            PersistenceLogging.Reset(factory);
        }
    }
}

/// <summary>Tests that set <see cref="PersistenceLogging.DefaultLoggerFactory"/> (process-wide) run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PersistenceLoggingCollection
{
    public const string Name = "persistence-logging";
}
