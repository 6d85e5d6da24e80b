using System.Runtime.CompilerServices;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Providers;
using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Modules;

public sealed class ModulePersistenceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("logillm-modules-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Predict_Load_of_the_python_optimized_file_restores_a_working_module_with_its_demos()
    {
        var module = Predict.Load(Fixture("optimized.json"));
        var client = new ScriptedChatClient().Otherwise("[[ ## category ## ]]\nrefund_request\n\n[[ ## completed ## ]]");
        module.Provider = new Provider("scripted", "m", client);

        var result = await module.InvokeAsync(new { email = "I want a refund" });

        Assert.Equal("refund_request", result.Outputs["category"]);
        Assert.Equal(ModuleState.Optimized, module.State);
        Assert.Equal(0.3, module.Config.Temperature);
        Assert.Equal(150, module.Config.MaxTokens);
        Assert.Equal(5, module.DemoManager.Demos.Count);
        Assert.Equal(DemoSelectionStrategy.Best, module.DemoManager.SelectionStrategy);
        var request = client.LastRequest;
        Assert.Contains("Classify customer emails by category", request.SystemText);
        Assert.Equal(1 + (2 * 5) + 1, request.Messages.Count);
        Assert.Contains("Please cancel my account", request.Messages[1].Text);
        Assert.Equal(0.3f, request.Options!.Temperature);
        Assert.Equal(0.95f, request.Options.TopP);
        Assert.Equal(150, request.Options.MaxOutputTokens);
    }

    [Fact]
    public void ChainOfThought_Load_keeps_a_single_reasoning_field_and_the_saved_adapter()
    {
        var module = ChainOfThought.Load(Fixture("chain_of_thought.json"));

        Assert.Equal(["reasoning", "answer"], module.Signature!.OutputFields.Select(f => f.Name));
        Assert.Equal("JSONAdapter", module.Adapter.Name);
        Assert.Equal(6000, module.Config.MaxTokens);
    }

    [Fact]
    public void Save_then_Load_round_trips_signature_types_demos_config_adapter_and_state()
    {
        var signature = Signature.Parse("email: str, tags: list[str], meta: dict[str, int] -> category: Literal['a', 'b'], confidence: float, note: Optional[str]", "Classify")
            .WithDescription("email", "Customer email — ünïcode");
        var module = new Predict(signature) { Adapter = new XmlAdapter(), State = ModuleState.Optimized };
        module.Config.Temperature = 0.4;
        module.Config.Stop = ["END"];
        module.Metadata["lineage"] = "test";
        module.DemoManager.MaxDemos = 3;
        module.DemoManager.SelectionStrategy = DemoSelectionStrategy.Random;
        module.DemoManager.Seed = 9;
        module.DemoManager.Add(Demo.Create(new { email = "日本", tags = new[] { "x" }, meta = new { n = 1 } }, new { category = "a", confidence = 0.5, note = (string?)null }, 0.8, "bootstrap"));
        var path = Path.Combine(_directory, "m.json");

        module.Save(path);
        var loaded = Predict.Load(path);

        Assert.Equal(signature, loaded.Signature);
        Assert.Equal("XMLAdapter", loaded.Adapter.Name);
        Assert.Equal(ModuleState.Optimized, loaded.State);
        Assert.Equal(0.4, loaded.Config.Temperature);
        Assert.Equal(["END"], loaded.Config.Stop!);
        Assert.Equal("test", loaded.Metadata["lineage"]!.GetValue<string>());
        Assert.Equal(3, loaded.DemoManager.MaxDemos);
        Assert.Equal(DemoSelectionStrategy.Random, loaded.DemoManager.SelectionStrategy);
        Assert.Equal(module.DemoManager.Demos[0], Assert.Single(loaded.DemoManager.Demos));
        Assert.IsType<Predict>(Module.Load(path));
    }

    private static string Fixture(string name, [CallerFilePath] string source = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(source)!, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "logillm-py-0.2.17", name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new FileNotFoundException($"Fixture {name} not found in a shared/fixtures folder above the tests.");
    }
}
