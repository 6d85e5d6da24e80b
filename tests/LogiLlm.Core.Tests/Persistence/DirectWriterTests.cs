using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>
/// Saving writes JSON straight from the module; these pin its bytes to those of the node tree
/// (<see cref="ModuleSaver.CreateDocument(Module, SaveOptions?)"/> written with <see cref="System.Text.Json.Utf8JsonWriter"/>),
/// which is what every file was before, for every kind of module and every option that changes the JSON.
/// </summary>
public class DirectWriterTests
{
    private static readonly ModuleSigningKey Hmac = ModuleSigningKey.FromSecret(RandomNumberGenerator.GetBytes(32), "pin");

    public static TheoryData<string> OptionSets() => ["default", "compact", "no-integrity", "signed", "signed-no-integrity", "endpoint", "no-provider"];

    private static SaveOptions Options(string name)
    {
        var clock = new FixedTime();
        return name switch
        {
            "compact" => new SaveOptions { Indented = false, TimeProvider = clock },
            "no-integrity" => new SaveOptions { IncludeIntegrity = false, TimeProvider = clock },
            "signed" => new SaveOptions { SigningKey = Hmac, TimeProvider = clock },
            "signed-no-integrity" => new SaveOptions { SigningKey = Hmac, IncludeIntegrity = false, TimeProvider = clock },
            "endpoint" => new SaveOptions { IncludeEndpoint = true, TimeProvider = clock },
            "no-provider" => new SaveOptions { IncludeProvider = false, TimeProvider = clock },
            _ => new SaveOptions { TimeProvider = clock },
        };
    }

    private static void AssertSameBytes(Module module, SaveOptions options)
    {
        var direct = ModuleSaver.WriteDirect(module, options);
        Assert.NotNull(direct);
        var tree = ModuleSaver.WriteText(ModuleSaver.CreateDocument(module, options), options);
        Assert.Equal(Encoding.UTF8.GetString(tree), Encoding.UTF8.GetString(direct));
        // Equal to the tree is not enough if both were wrong: what was written must verify as what it claims.
        var loaded = ModuleLoader.LoadFromBytes(direct, Isolated(new LoadOptions
        {
            ModuleTypes = TestModuleTypes.Create().Register<KeywordRouter>("KeywordRouter"),
            RequireDigest = options.IncludeIntegrity,
            TrustedSigningKeys = [Hmac],
            RequireSignature = options.SigningKey is not null,
        }));
        Assert.Equal(module.DemoManager.Demos.Count, loaded.Module.DemoManager.Demos.Count);
    }

    [Theory]
    [MemberData(nameof(OptionSets))]
    public void Random_modules_are_written_to_the_same_bytes_as_through_the_node_tree(string options)
    {
        for (var seed = 0; seed < 150; seed++)
        {
            AssertSameBytes(new RandomModules(seed).Module(), Options(options));
        }
    }

    [Theory]
    [MemberData(nameof(OptionSets))]
    public void Bootstrapped_labeled_instructed_and_custom_modules_are_written_to_the_same_bytes(string options)
    {
        var predict = new Predict("email: str, tags: list[str] -> category: Literal['refund', 'other'], confidence: float");
        predict.Signature = predict.Signature!.WithInstructions("Classify the e-mail; \"quote\" it's \\ fine\n漢字 🙂 <b>&amp;</b>");
        predict.Config["temperature"] = 0.3;
        predict.Config["api_key"] = "sk-never-written";
        predict.Config["base_url"] = "https://example.test/v1";
        predict.Metadata["lineage"] = "pin";
        predict.DemoManager.Seed = 7;
        predict.DemoManager.Add(Demo.Create(new { email = "Refund please", tags = new[] { "a", "b" } }, new { category = "refund", confidence = 0.9 }, 0.75, "bootstrap"));
        predict.DemoManager.Add(new Demo(new Dictionary<string, JsonNode?> { ["tags"] = new JsonArray(), ["email"] = null }, new Dictionary<string, JsonNode?> { ["confidence"] = 1, ["category"] = "other" })
        {
            Source = "labeled",
            Metadata = new JsonObject { ["password"] = "hunter2", ["note"] = new JsonObject { ["z"] = 1, ["a"] = new JsonArray(1, "two", null) } },
        });
        predict.DemoManager.TeacherDemos.Add(Demo.Create(new { email = "Where is it?", tags = Array.Empty<string>() }, new { category = "other", confidence = 0.1 }));

        var cot = new ChainOfThought("question -> answer");
        cot.DemoManager.Add(Demo.Create(new { question = "2+2?" }, new { reasoning = "add", answer = "4" }));

        var composite = new SummarizeThenClassify();
        composite.Summarize.DemoManager.Add(Demo.Create(new { text = "long text" }, new { summary = "short" }));

        var router = new KeywordRouter { Threshold = 0.25 };
        router.Routes["refund"] = "billing";

        foreach (var module in new Module[] { predict, cot, composite, router, new Predict("a -> b") })
        {
            AssertSameBytes(module, Options(options));
        }
    }

    [Theory]
    [MemberData(nameof(OptionSets))]
    public void Demo_values_wrapping_clr_objects_are_written_in_canonical_order_and_verify(string options)
    {
        // A dictionary and a record serialize their members in their own order, not the canonical one.
        var predict = new Predict("request -> answer");
        predict.DemoManager.Add(new Demo(
            new Dictionary<string, JsonNode?>
            {
                ["request"] = JsonValue.Create(new Dictionary<string, int> { ["z"] = 1, ["a"] = 2 }),
            },
            new Dictionary<string, JsonNode?>
            {
                ["answer"] = JsonValue.Create(new Unordered("last", [new Unordered("inner", [])])),
            }));

        AssertSameBytes(predict, Options(options));
        var loaded = ModuleLoader.LoadFromBytes(ModuleSaver.SaveToBytes(predict, Options(options)), new LoadOptions { TrustedSigningKeys = [Hmac] });
        Assert.Equal("""{"z":1,"a":2}""", loaded.Module.DemoManager.Demos[0].Inputs["request"]!.ToJsonString());
    }

    /// <summary>Members declared out of canonical order.</summary>
    public sealed record Unordered(string Zeta, Unordered[] Alpha);

    [Fact]
    public void Loaded_python_and_saved_files_are_written_again_to_the_same_bytes()
    {
        var loaded = 0;
        foreach (var fixture in AllFixtures())
        {
            Module module;
            try
            {
                module = ModuleLoader.LoadModule(fixture, Isolated(new LoadOptions { ModuleTypes = TestModuleTypes.Create() }));
            }
            catch (PersistenceException)
            {
                continue; // the hostile fixtures
            }

            loaded++;
            AssertSameBytes(module, Options("default"));
            AssertSameBytes(ModuleLoader.LoadFromBytes(ModuleSaver.SaveToBytes(module, Options("signed")), Isolated()).Module, Options("signed"));
        }

        Assert.True(loaded > 0);
    }

    [Fact]
    public void A_module_the_direct_writer_refuses_is_left_to_the_node_tree_which_names_the_path()
    {
        var module = new Predict("a -> b");
        module.DemoManager.Add(new Demo(new Dictionary<string, JsonNode?> { ["a"] = double.PositiveInfinity }, new Dictionary<string, JsonNode?> { ["b"] = "x" }));

        Assert.Null(ModuleSaver.WriteDirect(module, SaveOptions.Default));
        var e = Assert.Throws<PersistenceException>(() => ModuleSaver.SaveToBytes(module));
        Assert.Equal("$.demo_manager.demos[0].inputs.a", e.JsonPath);
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2001, 2, 3, 4, 5, 6, 789, TimeSpan.Zero);
    }
}
