using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Signatures;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Files written by Python LogiLLM 0.2.17 load with all their content.</summary>
public class PythonFixtureTests
{
    [Fact]
    public void Every_fixture_in_the_shared_folder_loads_and_inspects()
    {
        var files = AllFixtures().ToArray();
        Assert.True(files.Length >= 4, $"expected the Python fixtures in {FixtureDirectory}");
        foreach (var file in files)
        {
            var result = ModuleLoader.LoadWithReport(file, Isolated());
            Assert.Equal(0, result.Report.SavedFormatVersion);
            Assert.True(result.Report.Migrated);
            Assert.Equal(DigestStatus.Absent, result.Report.Digest);
            Assert.Equal("0.1.0", result.Report.SavedLibraryVersion);

            var summary = ModuleInspector.Inspect(file);
            Assert.Equal(result.Module.ModuleType, summary.ModuleType);
            Assert.Equal(result.Module.DemoManager.Demos.Count, summary.DemoCount);
        }
    }

    [Fact]
    public void Basic_fixture_is_a_bare_optimized_Predict()
    {
        var module = Predict.Load(Fixture("basic.json"), Isolated());

        Assert.IsType<Predict>(module);
        Assert.Equal("Predict", module.ModuleType);
        Assert.Equal(ModuleState.Optimized, module.State);
        var signature = module.Signature!;
        Assert.Equal("email: str -> category: str", signature.ToString());
        Assert.Null(signature.Instructions);
        Assert.Equal("BaseSignature", signature.Type);
        var email = signature.InputFields.Single();
        Assert.Equal(FieldKind.Input, email.Kind);
        Assert.Equal(FieldType.Str, email.Type);
        Assert.Null(email.Description);
        Assert.True(email.Required);
        Assert.Null(email.Default);
        Assert.Empty(email.Constraints);
        Assert.Empty(email.Metadata);
        Assert.Empty(module.Config);
        Assert.Empty(module.Metadata);
        Assert.Empty(module.DemoManager.Demos);
        Assert.Equal("ChatAdapter", module.Adapter.Name);
        Assert.Null(module.Provider);
    }

    [Fact]
    public void Optimized_fixture_keeps_instructions_config_metadata_and_scored_demos()
    {
        var module = ModuleLoader.Load<Predict>(Fixture("optimized.json"), Isolated());

        Assert.Equal("Classify customer emails by category", module.Signature!.Instructions);
        Assert.Equal(0.3, module.Config.Temperature);
        Assert.Equal(150, module.Config.MaxTokens);
        Assert.Equal(0.95, module.Config.TopP);
        Assert.Equal(["temperature", "max_tokens", "top_p"], module.Config.Keys);

        Assert.Equal(100, (int)module.Metadata["training_dataset_size"]!);
        Assert.Equal(0.87, (double)module.Metadata["performance_metrics"]!["accuracy"]!);
        Assert.Equal(["production", "email_classifier"], module.Metadata["custom_tags"]!.AsArray().Select(n => (string)n!));

        var dm = module.DemoManager;
        Assert.Equal(5, dm.MaxDemos);
        Assert.Equal(DemoSelectionStrategy.Best, dm.SelectionStrategy);
        Assert.Empty(dm.TeacherDemos);
        Assert.Equal([0.9, 0.85, 0.8, 0.75, 0.7], dm.Demos.Select(d => d.Score));
        var first = dm.Demos[0];
        Assert.Equal("Please cancel my account", (string)first.Inputs["email"]!);
        Assert.Equal("cancellation", (string)first.Outputs["category"]!);
        Assert.Equal("manual", first.Source);
        Assert.Empty(first.Metadata);
        Assert.Equal("2026-11-27T11:05:15.353171", first.Timestamp);
        Assert.Equal(["order_status", "feedback", "refund_request", "order_status"], dm.Demos.Skip(1).Select(d => (string)d.Outputs["category"]!));
        Assert.Equal("My package never arrived", (string)dm.Demos[4].Inputs["email"]!);
    }

    [Fact]
    public void Chain_of_thought_fixture_keeps_its_reasoning_field_once()
    {
        var module = ChainOfThought.Load(Fixture("chain_of_thought.json"), Isolated());

        Assert.IsType<ChainOfThought>(module);
        Assert.Equal(ModuleState.Initialized, module.State);
        Assert.Equal(["reasoning", "answer"], module.Signature!.OutputFields.Select(f => f.Name));
        Assert.Equal("Let's think step by step to solve this problem.", module.Signature.OutputFields[0].Description);
        Assert.Equal(["question"], module.Signature.InputFields.Select(f => f.Name));
        Assert.Equal(6000, module.Config.MaxTokens);
        Assert.Equal("JSONAdapter", module.Adapter.Name);
    }

    [Fact]
    public void Provider_fixture_reports_the_saved_provider_without_setting_it_up()
    {
        var result = ModuleLoader.LoadWithReport(Fixture("provider.json"), Isolated());

        var saved = result.Report.SavedProvider!;
        Assert.Equal("mock", saved.Name);
        Assert.Equal("mock-model", saved.Model);
        Assert.Empty(saved.Config);
        Assert.Equal("logillm.providers.mock.MockProvider", saved.ProviderClass);
        Assert.Null(result.Module.Provider);
        Assert.Same(saved, result.Module.SavedProvider);
        Assert.Equal(0.2, result.Module.Config.Temperature);
        Assert.Equal(64, result.Module.Config.MaxTokens);
        Assert.Equal(["text"], result.Module.Signature!.InputFields.Select(f => f.Name));
        Assert.Equal(["summary"], result.Module.Signature.OutputFields.Select(f => f.Name));
    }

    [Fact]
    public void Provider_fixture_with_SetupProvider_builds_the_mock_provider_through_the_registry()
    {
        var providers = new ProviderRegistry();
        var result = ModuleLoader.LoadWithReport(Fixture("provider.json"), new LoadOptions { SetupProvider = true, Providers = providers });

        Assert.NotNull(result.Report.ProviderSetUp);
        Assert.Equal("mock", providers.DefaultProvider!.Name);
        Assert.Equal("mock-model", providers.DefaultProvider.Model);
        Assert.Same(providers.DefaultProvider, result.Module.Provider);
    }

    [Fact]
    public void Fixtures_resaved_by_us_keep_every_key_python_wrote()
    {
        using var temp = CreateTempDirectory();
        foreach (var file in AllFixtures())
        {
            var original = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var module = ModuleLoader.LoadModule(file, Isolated());
            var path = temp.File(Path.GetFileName(file));
            ModuleSaver.SaveModule(module, path);
            var resaved = JsonNode.Parse(File.ReadAllText(path))!.AsObject();

            AssertContainsPython(original, resaved, "$", file);
        }
    }

    /// <summary>Everything Python wrote is in our document with the same value (ours may add keys, and the class/version/timestamp differ).</summary>
    private static void AssertContainsPython(JsonNode? python, JsonNode? ours, string path, string file)
    {
        if (path is "$.save_timestamp" or "$.module_class" or "$.logillm_version")
        {
            Assert.NotNull(ours);
            return;
        }

        if (python is JsonObject po)
        {
            var oo = Assert.IsType<JsonObject>(ours);
            Assert.Equal(po.Select(p => p.Key), oo.Select(p => p.Key).Where(po.ContainsKey));
            foreach (var (key, value) in po)
            {
                Assert.True(oo.ContainsKey(key), $"{file}: {path}.{key} is missing");
                AssertContainsPython(value, oo[key], $"{path}.{key}", file);
            }
        }
        else
        {
            Assert.True(JsonNode.DeepEquals(python, ours), $"{file}: {path}: python {python?.ToJsonString()} vs ours {ours?.ToJsonString()}");
        }
    }
}
