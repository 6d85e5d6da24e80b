using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Corrupted and hostile inputs: each ends in a PersistenceException (file + JSON path), never another exception or a hang.</summary>
public class HostileFileTests
{
    private static LoadOptions Options => Isolated(new LoadOptions { ModuleTypes = TestModuleTypes.Create() });

    /// <summary>A document that uses every part of the format: demos, teacher demos, provider, adapter, children.</summary>
    private static string FullDocument()
    {
        var module = new Pipeline { State = ModuleState.Optimized };
        var child = new Predict("email: str, tags: list[str] -> category: Literal['a', 'b'], confidence: float") { State = ModuleState.Optimized };
        child.Config["temperature"] = 0.3;
        child.Metadata["m"] = new JsonObject { ["k"] = new JsonArray(1, 2) };
        for (var i = 0; i < 3; i++)
        {
            child.DemoManager.Add(Demo.Create(new { email = $"e{i}", tags = new[] { "t" } }, new { category = "a", confidence = 0.5 }, 0.9 - (i * 0.1)));
        }

        child.DemoManager.TeacherDemos.Add(Demo.Create(new { email = "t" }, new { category = "b" }));
        child.Provider = new Provider("mock", "mock-model", new MockChatClient("mock-model"), new Dictionary<string, JsonNode?> { ["temperature"] = 0.1 });
        module.AddChild("classify", child);
        module.Provider = child.Provider;
        module.Metadata["lineage"] = "x";
        return ModuleSaver.SaveToString(module);
    }

    private static PersistenceException AssertFails(string json, LoadOptions? options = null)
    {
        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(json, options ?? Options));
        Assert.NotNull(e.JsonPath);
        return e;
    }

    [Fact]
    public void Missing_files_and_directories_fail_with_the_path()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "none.json");
        var e = Assert.Throws<PersistenceException>(() => Predict.Load(missing));
        Assert.Equal(missing, e.FilePath);
        Assert.StartsWith("File not found", e.Message, StringComparison.Ordinal);

        Assert.Equal(Path.GetTempPath(), Assert.Throws<PersistenceException>(() => ModuleLoader.LoadModule(Path.GetTempPath())).FilePath);
        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadModule(""));
        Assert.Throws<PersistenceException>(() => ModuleInspector.Inspect(missing));
    }

    [Fact]
    public void Truncation_at_every_point_fails_cleanly()
    {
        using var temp = CreateTempDirectory();
        var bytes = Encoding.UTF8.GetBytes(FullDocument());
        var path = temp.File("t.json");
        for (var length = 0; length < bytes.Length; length += Math.Max(1, bytes.Length / 400))
        {
            File.WriteAllBytes(path, bytes[..length]);
            var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadModule(path, Options));
            Assert.Equal(path, e.FilePath);
        }
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{")]
    [InlineData("}")]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("[]")]
    [InlineData("{\"module_type\": \"Predict\",}")]
    [InlineData("{\"module_type\": 'Predict'}")]
    [InlineData("{\"module_type\": \"Predict\"} trailing")]
    [InlineData("{\"module_type\": \"Predict\", \"module_type\": \"ChainOfThought\"}")]
    [InlineData("{\"module_type\": NaN}")]
    [InlineData("\uFEFF\uFEFF{}")]
    public void Text_that_is_not_a_module_document_fails(string text) => AssertFails(text);

    [Fact]
    public void Binary_and_badly_encoded_bytes_fail()
    {
        var random = new Random(3);
        var noise = new byte[4096];
        random.NextBytes(noise);
        foreach (var bytes in new[] { noise, Encoding.Unicode.GetBytes("{\"module_type\": \"Predict\"}"), [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], Array.Empty<byte>() })
        {
            Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromBytes(bytes, Options));
        }
    }

    public static TheoryData<string, string, string> WrongTypes() => new()
    {
        { "$.module_type", "42", "$.module_type" },
        { "$.module_type", "null", "$.module_type" },
        { "$.module_class", "[]", "$.module_class" },
        { "$.logillm_version", "1", "$.logillm_version" },
        { "$.format_version", "\"1\"", "$.format_version" },
        { "$.format_version", "1.5", "$.format_version" },
        { "$.state", "true", "$.state" },
        { "$.state", "\"\"", "$.state" },
        { "$.config", "[1]", "$.config" },
        { "$.metadata", "\"m\"", "$.metadata" },
        { "$.modules", "[]", "$.modules" },
        { "$.modules.classify", "\"Predict\"", "$.modules.classify" },
        { "$.modules.classify.module_type", "\"Unknown\"", "$.modules.classify.module_type" },
        { "$.modules.classify.signature", "\"email -> category\"", "$.modules.classify.signature" },
        { "$.modules.classify.signature.instructions", "7", "$.modules.classify.signature.instructions" },
        { "$.modules.classify.signature.metadata", "[]", "$.modules.classify.signature.metadata" },
        { "$.modules.classify.signature.input_fields", "[]", "$.modules.classify.signature.input_fields" },
        { "$.modules.classify.signature.output_fields", "{}", "$.modules.classify.signature" },
        { "$.modules.classify.signature.input_fields.email", "\"str\"", "$.modules.classify.signature.input_fields.email" },
        { "$.modules.classify.signature.input_fields.email.field_type", "\"output\"", "$.modules.classify.signature.input_fields.email.field_type" },
        { "$.modules.classify.signature.input_fields.email.python_type", "3", "$.modules.classify.signature.input_fields.email.python_type" },
        { "$.modules.classify.signature.input_fields.email.type", "\"list[\"", "$.modules.classify.signature.input_fields.email.type" },
        { "$.modules.classify.signature.input_fields.email.type", "false", "$.modules.classify.signature.input_fields.email.type" },
        { "$.modules.classify.signature.input_fields.email.required", "\"yes\"", "$.modules.classify.signature.input_fields.email.required" },
        { "$.modules.classify.signature.input_fields.email.description", "{}", "$.modules.classify.signature.input_fields.email.description" },
        { "$.modules.classify.signature.input_fields.email.constraints", "1", "$.modules.classify.signature.input_fields.email.constraints" },
        { "$.modules.classify.signature.output_fields.category.metadata", "[]", "$.modules.classify.signature.output_fields.category.metadata" },
        { "$.modules.classify.demo_manager", "[]", "$.modules.classify.demo_manager" },
        { "$.modules.classify.demo_manager.demos", "{}", "$.modules.classify.demo_manager.demos" },
        { "$.modules.classify.demo_manager.demos[2]", "\"demo\"", "$.modules.classify.demo_manager.demos[2]" },
        { "$.modules.classify.demo_manager.demos[2].score", "\"high\"", "$.modules.classify.demo_manager.demos[2].score" },
        { "$.modules.classify.demo_manager.demos[2].inputs", "[]", "$.modules.classify.demo_manager.demos[2].inputs" },
        { "$.modules.classify.demo_manager.demos[1].outputs", "null", "$.modules.classify.demo_manager.demos[1].outputs" },
        { "$.modules.classify.demo_manager.demos[0].source", "1", "$.modules.classify.demo_manager.demos[0].source" },
        { "$.modules.classify.demo_manager.demos[0].metadata", "\"x\"", "$.modules.classify.demo_manager.demos[0].metadata" },
        { "$.modules.classify.demo_manager.demos[0].timestamp", "123", "$.modules.classify.demo_manager.demos[0].timestamp" },
        { "$.modules.classify.demo_manager.teacher_demos[0].score", "[]", "$.modules.classify.demo_manager.teacher_demos[0].score" },
        { "$.modules.classify.demo_manager.max_demos", "-1", "$.modules.classify.demo_manager.max_demos" },
        { "$.modules.classify.demo_manager.max_demos", "2.5", "$.modules.classify.demo_manager.max_demos" },
        { "$.modules.classify.demo_manager.max_demos", "1e400", "$.modules.classify.demo_manager.max_demos" },
        { "$.modules.classify.demo_manager.selection_strategy", "0", "$.modules.classify.demo_manager.selection_strategy" },
        { "$.modules.classify.demo_manager.seed", "\"s\"", "$.modules.classify.demo_manager.seed" },
        { "$.modules.classify.adapter_config", "\"ChatAdapter\"", "$.modules.classify.adapter_config" },
        { "$.modules.classify.adapter_config.name", "\"System.IO.File\"", "$.modules.classify.adapter_config.name" },
        { "$.modules.classify.adapter_config.config", "[]", "$.modules.classify.adapter_config.config" },
        { "$.modules.classify.provider_config", "1", "$.modules.classify.provider_config" },
        { "$.modules.classify.provider_config.name", "null", "$.modules.classify.provider_config.name" },
        { "$.modules.classify.provider_config.model", "{}", "$.modules.classify.provider_config.model" },
        { "$.modules.classify.provider_config.config", "\"x\"", "$.modules.classify.provider_config.config" },
        { "$.integrity", "\"sha256\"", "$.integrity" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void A_wrong_value_at_a_key_fails_naming_that_key(string path, string badJson, string expectedPath)
    {
        var doc = JsonNode.Parse(FullDocument())!.AsObject();
        if (path != "$.integrity")
        {
            doc.Remove("integrity");
        }

        Set(doc, path, JsonNode.Parse(badJson));

        var e = AssertFails(doc.ToJsonString());
        Assert.Equal(expectedPath, e.JsonPath);
        Assert.Null(e.FilePath);
    }

    [Fact]
    public void Any_value_replaced_anywhere_loads_or_fails_with_a_PersistenceException()
    {
        var original = JsonNode.Parse(FullDocument())!.AsObject();
        original.Remove("integrity");
        var paths = new List<string>();
        Collect(original, "$", paths);
        JsonNode?[] replacements = [null, 0, -1, 1.5, true, "", "x", new JsonArray(), new JsonObject(), new JsonArray(new JsonObject())];
        var outcomes = 0;
        foreach (var path in paths)
        {
            foreach (var replacement in replacements)
            {
                var doc = (JsonObject)original.DeepClone();
                Set(doc, path, replacement?.DeepClone());
                try
                {
                    ModuleLoader.LoadFromString(doc.ToJsonString(), Options);
                }
                catch (PersistenceException e)
                {
                    Assert.NotNull(e.JsonPath);
                }

                outcomes++;
            }
        }

        Assert.True(outcomes > 1000, $"only {outcomes} mutations");
    }

    [Fact]
    public void Random_byte_flips_never_escape_as_another_exception()
    {
        var bytes = Encoding.UTF8.GetBytes(FullDocument());
        var random = new Random(11);
        var failures = 0;
        for (var i = 0; i < 600; i++)
        {
            var copy = (byte[])bytes.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            }

            try
            {
                ModuleLoader.LoadFromBytes(copy, Options);
            }
            catch (PersistenceException)
            {
                failures++;
            }
        }

        // Nearly every flip breaks the JSON or the digest.
        Assert.True(failures > 500, $"{failures} of 600 mutated files failed");
    }

    [Fact]
    public void An_unknown_module_type_fails_and_names_the_allowlist()
    {
        var doc = JsonNode.Parse(ModuleSaver.SaveToString(new Predict("a -> b")))!.AsObject();
        doc.Remove("integrity");
        doc["module_type"] = "System.Diagnostics.Process";
        doc["module_class"] = "System.Diagnostics.Process, System.Diagnostics.Process";

        var e = AssertFails(doc.ToJsonString());
        Assert.Equal("$.module_type", e.JsonPath);
        Assert.Contains("allowed types are ChainOfThought, Pipeline, Predict", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_framework_type_in_module_class_is_never_instantiated()
    {
        var doc = JsonNode.Parse(ModuleSaver.SaveToString(new Predict("a -> b")))!.AsObject();
        doc.Remove("integrity");
        doc["module_class"] = "System.IO.FileSystemWatcher, System.IO.FileSystem.Watcher";

        var module = ModuleLoader.LoadFromString(doc.ToJsonString(), Options);

        // module_type decides; module_class is informational, and written back as our own class.
        Assert.IsType<Predict>(module);
        Assert.Equal("LogiLlm.Predict", (string)JsonNode.Parse(ModuleSaver.SaveToString(module))!["module_class"]!);
    }

    [Fact]
    public void Extreme_nesting_fails_at_the_depth_limit_without_recursing()
    {
        var deep = new StringBuilder("{\"module_type\": \"Predict\", \"metadata\": ");
        const int depth = 100_000;
        deep.Append('[', depth).Append(']', depth).Append('}');

        var e = AssertFails(deep.ToString());
        Assert.Contains("depth", e.Message, StringComparison.OrdinalIgnoreCase);

        // Within the limit, nesting is fine; past a configured smaller limit it is not.
        var nested = "{\"module_type\": \"Predict\", \"signature\": {\"input_fields\": {}, \"output_fields\": {\"y\": {\"python_type\": \"str\"}}}, \"metadata\": {\"a\": " + new string('[', 40) + new string(']', 40) + "}}";
        Assert.NotNull(ModuleLoader.LoadFromString(nested, Options));
        AssertFails(nested, new LoadOptions { MaxDepth = 16 });
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        using var temp = CreateTempDirectory();
        var path = temp.File("huge.json");
        using (var stream = File.Create(path))
        {
            stream.SetLength(LoadOptions.DefaultMaxBytes + 1); // sparse: nothing is actually written
        }

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadModule(path));
        Assert.Contains("too large", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
        Assert.Throws<PersistenceException>(() => ModuleInspector.Inspect(path));
    }

    [Fact]
    public void Configured_size_limits_apply_to_files_strings_and_streams()
    {
        var json = ModuleSaver.SaveToString(new Predict("a -> b"));
        var options = new LoadOptions { MaxBytes = 100 };

        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(json, options));
        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromStream(new MemoryStream(Encoding.UTF8.GetBytes(json)), options));
        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromBytes(Encoding.UTF8.GetBytes(json), options));
    }

    [Fact]
    public void A_changed_value_with_the_old_digest_fails_unless_verification_is_off()
    {
        var doc = JsonNode.Parse(ModuleSaver.SaveToString(new Predict("a -> b")))!.AsObject();
        doc["config"]!["temperature"] = 1.9;
        var tampered = doc.ToJsonString();

        var e = AssertFails(tampered);
        Assert.Equal("$.integrity.digest", e.JsonPath);
        Assert.StartsWith("Integrity check failed", e.Message, StringComparison.Ordinal);

        var result = ModuleLoader.LoadFromStringWithReport(tampered, new LoadOptions { VerifyDigest = false });
        Assert.Equal(1.9, result.Module.Config.Temperature);
        Assert.Equal(DigestStatus.NotChecked, result.Report.Digest);
    }

    [Fact]
    public void Malformed_integrity_blocks_fail()
    {
        var doc = JsonNode.Parse(ModuleSaver.SaveToString(new Predict("a -> b")))!.AsObject();
        var md5 = (JsonObject)doc.DeepClone();
        md5["integrity"]!["algorithm"] = "md5";
        Assert.Equal("$.integrity.algorithm", AssertFails(md5.ToJsonString()).JsonPath);

        var noDigest = (JsonObject)doc.DeepClone();
        noDigest["integrity"]!.AsObject().Remove("digest");
        Assert.Equal("$.integrity.digest", AssertFails(noDigest.ToJsonString()).JsonPath);

        var none = (JsonObject)doc.DeepClone();
        none.Remove("integrity");
        Assert.Equal("$.integrity", AssertFails(none.ToJsonString(), new LoadOptions { RequireDigest = true }).JsonPath);
        Assert.NotNull(ModuleLoader.LoadFromString(none.ToJsonString()));
    }

    [Fact]
    public void A_newer_format_version_is_refused()
    {
        var doc = JsonNode.Parse(ModuleSaver.SaveToString(new Predict("a -> b")))!.AsObject();
        doc.Remove("integrity");
        doc["format_version"] = ModuleFileFormat.CurrentVersion + 1;
        Assert.Equal("$.format_version", AssertFails(doc.ToJsonString()).JsonPath);
    }

    [Fact]
    public void A_failed_load_touches_no_provider_registry()
    {
        var providers = new ProviderRegistry();
        var doc = JsonNode.Parse(File.ReadAllText(Fixture("provider.json")))!.AsObject();
        doc["adapter_config"]!["name"] = "EvilAdapter";

        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(doc.ToJsonString(), new LoadOptions { SetupProvider = true, Providers = providers }));
        Assert.Null(providers.DefaultProvider);
        Assert.Empty(providers.Providers);
    }

    private static void Collect(JsonNode? node, string path, List<string> paths)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var child = $"{path}.{key}";
                    paths.Add(child);
                    Collect(value, child, paths);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var child = $"{path}[{i}]";
                    paths.Add(child);
                    Collect(array[i], child, paths);
                }

                break;
        }
    }

    /// <summary>Sets the value at a simple path (<c>$.a.b[2].c</c>, keys without dots or brackets).</summary>
    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var segments = new List<object>();
        foreach (var part in path[2..].Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            segments.Add(bracket < 0 ? part : part[..bracket]);
            if (bracket >= 0)
            {
                segments.Add(int.Parse(part[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        JsonNode current = root;
        for (var i = 0; i < segments.Count - 1; i++)
        {
            current = segments[i] is string key ? current[key]! : current[(int)segments[i]]!;
        }

        if (segments[^1] is string last)
        {
            current[last] = value;
        }
        else
        {
            current[(int)segments[^1]] = value;
        }
    }

    private static string PythonFixture(string name) => File.ReadAllText(Fixture(name));

    private static string Edit(string json, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        edit(root);
        return root.ToJsonString();
    }

    [Theory]
    [InlineData("basic.json")]
    [InlineData("chain_of_thought.json")]
    public void A_predict_file_without_a_signature_fails_instead_of_loading_as_input_to_output(string fixture)
    {
        var removed = AssertFails(Edit(PythonFixture(fixture), root => root.Remove("signature")));
        var nulled = AssertFails(Edit(PythonFixture(fixture), root => root["signature"] = null));

        Assert.All(new[] { removed, nulled }, e => Assert.Equal("$.signature", e.JsonPath));
    }

    [Theory]
    [InlineData("input_fields", true)]
    [InlineData("input_fields", false)]
    [InlineData("output_fields", true)]
    [InlineData("output_fields", false)]
    public void A_signature_with_a_null_or_missing_field_map_fails_naming_it(string map, bool asNull)
    {
        var json = Edit(PythonFixture("optimized.json"), root =>
        {
            var signature = root["signature"]!.AsObject();
            if (asNull)
            {
                signature[map] = null;
            }
            else
            {
                signature.Remove(map);
            }
        });

        Assert.Equal($"$.signature.{map}", AssertFails(json).JsonPath);
    }

    [Fact]
    public void A_signature_with_empty_input_fields_still_loads()
    {
        var module = ModuleLoader.LoadFromString(Edit(PythonFixture("basic.json"), root => root["signature"]!["input_fields"] = new JsonObject()), Options);

        Assert.Empty(module.Signature!.InputFields);
    }

    [Theory]
    [InlineData("temperature", "\"hot\"")]
    [InlineData("temperature", "-0.5")]
    [InlineData("temperature", "1e309")]
    [InlineData("max_tokens", "3e9")]
    [InlineData("max_tokens", "150.5")]
    [InlineData("max_tokens", "0")]
    [InlineData("max_tokens", "3000000000")]
    [InlineData("max_tokens", "\"150\"")]
    [InlineData("top_p", "1.5")]
    [InlineData("top_p", "[0.5]")]
    [InlineData("top_k", "-1")]
    [InlineData("seed", "\"x\"")]
    [InlineData("seed", "1.5")]
    [InlineData("stop", "42")]
    [InlineData("stop", "[\"a\", 1]")]
    [InlineData("frequency_penalty", "3")]
    [InlineData("presence_penalty", "{}")]
    [InlineData("logprobs", "\"yes\"")]
    public void A_badly_typed_or_out_of_range_config_value_fails_naming_its_json_path(string key, string value)
    {
        var module = Edit(PythonFixture("optimized.json"), root => root["config"]![key] = JsonNode.Parse(value));
        var provider = Edit(PythonFixture("provider.json"), root => root["provider_config"]!["config"]![key] = JsonNode.Parse(value));

        Assert.Equal($"$.config.{key}", AssertFails(module).JsonPath);
        Assert.Equal($"$.provider_config.config.{key}", AssertFails(provider).JsonPath);
    }

    [Theory]
    [InlineData("temperature", "0")]
    [InlineData("temperature", "2")]
    [InlineData("max_tokens", "1")]
    [InlineData("top_p", "1")]
    [InlineData("stop", "\"\\n\"")]
    [InlineData("stop", "[\"a\", \"b\"]")]
    [InlineData("seed", "-3")]
    [InlineData("custom_setting", "\"anything\"")]
    public void Well_typed_config_values_at_the_edges_of_their_range_load(string key, string value)
    {
        var module = ModuleLoader.LoadFromString(Edit(PythonFixture("optimized.json"), root => root["config"]![key] = JsonNode.Parse(value)), Options);

        Assert.Equal(JsonNode.Parse(value)!.ToJsonString(), module.Config[key]!.ToJsonString());
        _ = ((Predict)module).BuildChatOptions();
    }

    [Theory]
    [InlineData("type", 33)]
    [InlineData("type", 7000)]
    [InlineData("python_type", 33)]
    [InlineData("python_type", 7000)]
    public void A_deep_type_expression_fails_with_a_PersistenceException_without_recursing(string key, int depth)
    {
        var type = string.Concat(Enumerable.Repeat("list[", depth)) + "str" + new string(']', depth);
        var json = Edit(PythonFixture("basic.json"), root => root["signature"]!["input_fields"]!["email"]![key] = type);

        var e = AssertFails(json);

        Assert.StartsWith("$.signature.input_fields.email.", e.JsonPath, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 1000, "The message must not echo the whole hostile expression.");
    }
}
