using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Signatures;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

public class RoundTripTests
{
    private static LoadOptions Options => Isolated(new LoadOptions { ModuleTypes = TestModuleTypes.Create() });

    [Theory]
    [InlineData("str")]
    [InlineData("int")]
    [InlineData("float")]
    [InlineData("bool")]
    [InlineData("bytes")]
    [InlineData("Any")]
    [InlineData("list")]
    [InlineData("dict")]
    [InlineData("list[str]")]
    [InlineData("list[list[int]]")]
    [InlineData("dict[str, int]")]
    [InlineData("dict[str, list[float]]")]
    [InlineData("set[str]")]
    [InlineData("tuple[int, str, float]")]
    [InlineData("Optional[str]")]
    [InlineData("Optional[list[dict[str, Any]]]")]
    [InlineData("Literal['a', 'b']")]
    [InlineData("Literal['it\\'s', 'two words', 'x\\\\y']")]
    [InlineData("Literal[1, 2.5, True, None]")]
    [InlineData("Optional[Literal['yes', 'no']]")]
    [InlineData("Union[int, str]")]
    [InlineData("Union[int, str, list[float]]")]
    [InlineData("Fraction")]
    [InlineData("list[Image]")]
    public void Every_field_type_round_trips_exactly(string expression)
    {
        var type = FieldType.Parse(expression);
        var signature = new Signature(
            [new FieldSpec("x", FieldKind.Input, type)],
            [new FieldSpec("y", FieldKind.Output, type) { Description = "out", Required = false }]);
        var module = new Predict(signature);

        var json = ModuleSaver.SaveToString(module);
        var loaded = ModuleLoader.LoadFromString<Predict>(json, Options);

        Assert.Equal(type, loaded.Signature!.InputFields[0].Type);
        Assert.Equal(type, loaded.Signature.OutputFields[0].Type);
        Assert.Equal(signature, loaded.Signature);
        var field = JsonNode.Parse(json)!["signature"]!["input_fields"]!["x"]!;
        Assert.Equal(type.ToString(), (string)field["type"]!);
        Assert.Equal(type.PythonType, (string)field["python_type"]!);
    }

    [Fact]
    public void Predict_round_trips_every_part_of_its_state()
    {
        var module = new Predict(Signature.Parse("email: str, tags: list[str] -> category: Literal['refund', 'other'], confidence: float", "Classify emails."))
        {
            State = ModuleState.Optimized,
            Adapter = AdapterFactory.Create("XMLAdapter", new JsonObject { ["strict"] = true }),
        };
        module.Config["temperature"] = 0.3;
        module.Config["max_tokens"] = 150;
        module.Config["stop"] = new JsonArray("\n\n", "END");
        module.Metadata["lineage"] = new JsonObject { ["optimizer"] = "BootstrapFewShot", ["score"] = 0.91, ["history"] = new JsonArray(0.5, 0.7, 0.91) };
        module.DemoManager.MaxDemos = 3;
        module.DemoManager.SelectionStrategy = DemoSelectionStrategy.Random;
        module.DemoManager.Seed = 42;
        module.DemoManager.Add(Demo.Create(new { email = "refund now", tags = new[] { "a", "b" } }, new { category = "refund", confidence = 0.9 }, 0.9, "bootstrap") with { Metadata = new JsonObject { ["round"] = 2 } });
        module.DemoManager.Add(new Demo(new Dictionary<string, JsonNode?> { ["email"] = "hi", ["tags"] = new JsonArray() }, new Dictionary<string, JsonNode?> { ["category"] = "other", ["confidence"] = null }));
        module.DemoManager.TeacherDemos.Add(Demo.Create(new { email = "teach" }, new { category = "other" }, 0.5, "labeled"));

        var json = ModuleSaver.SaveToString(module);
        var loaded = ModuleLoader.LoadFromString<Predict>(json, Options);

        Assert.Equal(module.Signature, loaded.Signature);
        Assert.Equal("Classify emails.", loaded.Signature!.Instructions);
        Assert.Equal(ModuleState.Optimized, loaded.State);
        Assert.Equal("XMLAdapter", loaded.Adapter.Name);
        Assert.True(JsonNode.DeepEquals(module.Adapter.Config, loaded.Adapter.Config));
        Assert.True(JsonNode.DeepEquals(module.Config.ToJsonObject(), loaded.Config.ToJsonObject()));
        Assert.Equal(["\n\n", "END"], loaded.Config.Stop);
        Assert.True(JsonNode.DeepEquals(module.Metadata, loaded.Metadata));
        Assert.Equal(3, loaded.DemoManager.MaxDemos);
        Assert.Equal(DemoSelectionStrategy.Random, loaded.DemoManager.SelectionStrategy);
        Assert.Equal(42, loaded.DemoManager.Seed);
        Assert.Equal(module.DemoManager.Demos, loaded.DemoManager.Demos);
        Assert.Equal(module.DemoManager.TeacherDemos, loaded.DemoManager.TeacherDemos);
        Assert.Equal(StableDocument(json).ToJsonString(), StableDocument(ModuleSaver.SaveToString(loaded)).ToJsonString());
    }

    [Fact]
    public void ChainOfThought_round_trips_without_doubling_reasoning()
    {
        var module = new ChainOfThought("question -> answer: int");
        var loaded = ModuleLoader.LoadFromString<ChainOfThought>(ModuleSaver.SaveToString(module), Options);

        Assert.Equal(["reasoning", "answer"], loaded.Signature!.OutputFields.Select(f => f.Name));
        Assert.Equal(module.Signature, loaded.Signature);
        Assert.Equal("ChainOfThought", loaded.ModuleType);
    }

    [Fact]
    public void Loading_a_ChainOfThought_file_as_Predict_gives_the_ChainOfThought_but_not_the_reverse()
    {
        var cot = ModuleSaver.SaveToString(new ChainOfThought("q -> a"));
        Assert.IsType<ChainOfThought>(ModuleLoader.LoadFromString<Predict>(cot, Options));

        var predict = ModuleSaver.SaveToString(new Predict("q -> a"));
        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString<ChainOfThought>(predict, Options));
        Assert.Equal("$.module_type", e.JsonPath);
    }

    [Fact]
    public void Composite_children_round_trip_with_their_own_state()
    {
        var pipeline = new Pipeline { State = ModuleState.Optimized };
        var first = new Predict("text -> summary") { State = ModuleState.Optimized };
        first.DemoManager.Add(Demo.Create(new { text = "long" }, new { summary = "short" }));
        first.Config["temperature"] = 0.1;
        var inner = new Pipeline();
        inner.AddChild("judge", new ChainOfThought("summary -> verdict: bool"));
        pipeline.AddChild("first", first);
        pipeline.AddChild("inner", inner);
        pipeline.Metadata["note"] = "composite";

        var json = ModuleSaver.SaveToString(pipeline);
        var loaded = ModuleLoader.LoadFromString<Pipeline>(json, Options);

        Assert.Null(loaded.Signature);
        Assert.Equal(["first", "inner"], loaded.Children.Keys);
        var loadedFirst = Assert.IsType<Predict>(loaded.Children["first"]);
        Assert.Equal(first.DemoManager.Demos, loadedFirst.DemoManager.Demos);
        Assert.Equal(0.1, loadedFirst.Config.Temperature);
        Assert.Equal(ModuleState.Optimized, loadedFirst.State);
        var judge = Assert.IsType<ChainOfThought>(loaded.Children["inner"].Children["judge"]);
        Assert.Equal(["reasoning", "verdict"], judge.Signature!.OutputFields.Select(f => f.Name));
        Assert.Equal(StableDocument(json).ToJsonString(), StableDocument(ModuleSaver.SaveToString(loaded)).ToJsonString());
    }

    [Fact]
    public void A_composite_that_builds_its_children_gets_their_saved_state_in_place()
    {
        var program = new SummarizeThenClassify();
        program.Summarize.Signature = program.Summarize.Signature!.WithInstructions("Summarize in one line.");
        program.Classify.DemoManager.Add(Demo.Create(new { summary = "great" }, new { reasoning = "positive", label = "good" }, 0.8));
        program.State = ModuleState.Optimized;

        var loaded = ModuleLoader.LoadFromString<SummarizeThenClassify>(ModuleSaver.SaveToString(program), Options);

        Assert.Same(loaded.Summarize, loaded.Children["summarize"]);
        Assert.Equal("Summarize in one line.", loaded.Summarize.Signature!.Instructions);
        Assert.Single(loaded.Classify.DemoManager.Demos);
        Assert.Equal(ModuleState.Optimized, loaded.State);
    }

    [Fact]
    public void Custom_types_load_only_when_registered()
    {
        var json = ModuleSaver.SaveToString(new Pipeline());
        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(json, Isolated()));
        Assert.Equal("$.module_type", e.JsonPath);
        Assert.Contains("Unknown module type 'Pipeline'", e.Message, StringComparison.Ordinal);

        Assert.IsType<Pipeline>(ModuleLoader.LoadFromString(json, Options));
    }

    [Fact]
    public void A_cyclic_module_graph_fails_to_save_with_a_path()
    {
        var a = new Pipeline();
        var b = new Pipeline();
        a.AddChild("b", b);
        b.AddChild("a", a);

        var e = Assert.Throws<PersistenceException>(() => ModuleSaver.SaveToString(a));
        Assert.Equal("$.modules.b.modules.a", e.JsonPath);
    }

    [Fact]
    public void NaN_in_config_fails_to_save_with_a_path()
    {
        var module = new Predict("a -> b");
        module.Config["temperature"] = double.NaN;
        var e = Assert.Throws<PersistenceException>(() => ModuleSaver.SaveToString(module));
        Assert.Equal("$.config.temperature", e.JsonPath);
    }

    [Fact]
    public void Save_and_load_through_files_streams_and_strings_agree()
    {
        using var temp = CreateTempDirectory();
        var module = new Predict("a: int -> b: list[str]");
        module.Config["temperature"] = 0.7;
        var path = temp.File("nested/dir/m.json");

        module.Save(path);
        using var stream = new MemoryStream();
        ModuleSaver.SaveToStream(module, stream);
        stream.Position = 0;

        var fromFile = Predict.Load(path, Options);
        var fromStream = ModuleLoader.LoadFromStream(stream, Options);
        var fromString = ModuleLoader.LoadFromString(File.ReadAllText(path), Options);
        var fromBytes = ModuleLoader.LoadFromBytes(File.ReadAllBytes(path), Options).Module;
        foreach (var m in new[] { fromFile, fromStream, fromString, fromBytes })
        {
            Assert.Equal(module.Signature, m.Signature);
            Assert.Equal(0.7, m.Config.Temperature);
        }

        Assert.Equal(StableDocument(File.ReadAllText(path)).ToJsonString(), StableDocument(Encoding.UTF8.GetString(stream.ToArray())).ToJsonString());
    }

    [Fact]
    public void Saved_files_keep_the_python_shape_and_add_only_extra_keys()
    {
        var module = new Predict("email: str, tags: list[str] -> category: str");
        module.Provider = new Provider("mock", "mock-model", new MockChatClient("mock-model"), new Dictionary<string, JsonNode?> { ["temperature"] = 0.1 });
        module.DemoManager.Add(Demo.Create(new { email = "x", tags = new[] { "t" } }, new { category = "c" }));
        var doc = JsonNode.Parse(ModuleSaver.SaveToString(module))!.AsObject();

        Assert.Equal(
            ["logillm_version", "format_version", "save_timestamp", "module_type", "module_class", "signature", "config", "metadata", "state", "demo_manager", "provider_config", "adapter_config", "integrity"],
            doc.Select(p => p.Key));
        Assert.Equal(LibraryVersion.Current, (string)doc["logillm_version"]!);
        Assert.NotEqual(LibraryVersion.PythonLogiLlm, LibraryVersion.Current);
        var field = doc["signature"]!["input_fields"]!["tags"]!.AsObject();
        Assert.Equal("list", (string)field["python_type"]!);
        Assert.Equal("list[str]", (string)field["type"]!);
        Assert.Equal(["field_type", "python_type", "type", "description", "required", "default", "constraints", "metadata"], field.Select(p => p.Key));

        // Python's Demo.from_dict passes every key to the constructor: demos must carry exactly its keys.
        var demo = doc["demo_manager"]!["demos"]![0]!.AsObject();
        Assert.Equal(["inputs", "outputs", "score", "source", "metadata", "timestamp"], demo.Select(p => p.Key));
        Assert.Equal(["name", "model", "config", "provider_class"], doc["provider_config"]!.AsObject().Select(p => p.Key));
        Assert.Equal("sha256", (string)doc["integrity"]!["algorithm"]!);
        Assert.Equal(64, ((string)doc["integrity"]!["digest"]!).Length);
    }

    [Fact]
    public void The_same_module_saved_twice_has_the_same_digest()
    {
        var module = new Predict("a -> b");
        var one = JsonNode.Parse(ModuleSaver.SaveToString(module))!;
        var two = JsonNode.Parse(ModuleSaver.SaveToString(module, new SaveOptions { TimeProvider = new FixedTime() }))!;

        Assert.NotEqual((string)one["save_timestamp"]!, (string)two["save_timestamp"]!);
        Assert.Equal((string)one["integrity"]!["digest"]!, (string)two["integrity"]!["digest"]!);
    }

    [Fact]
    public void IncludeProvider_false_leaves_provider_config_out()
    {
        var module = new Predict("a -> b") { Provider = new Provider("mock", "m", new MockChatClient("m")) };
        Assert.Null(JsonNode.Parse(ModuleSaver.SaveToString(module, new SaveOptions { IncludeProvider = false }))!["provider_config"]);
        Assert.NotNull(JsonNode.Parse(ModuleSaver.SaveToString(module))!["provider_config"]);
    }

    [Fact]
    public void A_loaded_module_keeps_its_saved_provider_config_when_saved_again()
    {
        var json = File.ReadAllText(Fixture("provider.json"));
        var loaded = ModuleLoader.LoadFromString(json, Isolated());
        var resaved = JsonNode.Parse(ModuleSaver.SaveToString(loaded))!;
        Assert.Equal("mock", (string)resaved["provider_config"]!["name"]!);
        Assert.Equal("logillm.providers.mock.MockProvider", (string)resaved["provider_config"]!["provider_class"]!);
    }

    [Fact]
    public void Compact_output_is_the_same_document()
    {
        var module = new Predict("a -> b");
        var indented = ModuleSaver.SaveToString(module, new SaveOptions { TimeProvider = new FixedTime() });
        var compact = ModuleSaver.SaveToString(module, new SaveOptions { Indented = false, TimeProvider = new FixedTime() });
        Assert.DoesNotContain('\n', compact);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(indented), JsonNode.Parse(compact)));
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);
    }
}
