using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>
/// The fast read (<see cref="ModuleScan"/>: one reader pass, no parsed document of the whole file) builds exactly what the full
/// parse builds, and gives way to it for anything it does not read itself, so that the errors stay those of the full parse.
/// </summary>
public sealed class FastReadTests
{
    // No digest check: the fast read. A digest to check: the full parse over the same bytes.
    private static readonly LoadOptions Fast = Isolated(new LoadOptions { VerifyDigest = false, ModuleTypes = TestModuleTypes.Create() });
    private static readonly LoadOptions Full = Isolated(new LoadOptions { ModuleTypes = TestModuleTypes.Create() });

    [Fact]
    public void Generated_modules_read_fast_are_the_modules_the_full_parse_reads()
    {
        for (var seed = 0; seed < 120; seed++)
        {
            var bytes = ModuleSaver.SaveToBytes(new RandomModules(seed).Module());
            Assert.True(ModuleScan.TryRead(bytes, 64) is not null, $"seed {seed}: the fast read gave way");

            var fast = ModuleLoader.LoadFromBytes(bytes, Fast).Module;
            var full = ModuleLoader.LoadFromBytes(bytes, Full).Module;

            Assert.Equal(StableDocument(ModuleSaver.SaveToString(full)).ToJsonString(), StableDocument(ModuleSaver.SaveToString(fast)).ToJsonString());
        }
    }

    [Theory]
    [InlineData("file")]
    [InlineData("string")]
    [InlineData("bytes")]
    public void A_file_without_a_digest_is_read_fast_and_its_demos_keep_no_part_of_the_loaded_buffer(string from)
    {
        using var dir = CreateTempDirectory();
        var path = dir.File("m.json");
        File.WriteAllText(path, Unsigned(Module(demos: 40)));
        var bytes = File.ReadAllBytes(path);
        Assert.NotNull(ModuleScan.TryRead(bytes, 64));

        var loaded = from switch
        {
            "file" => ModuleLoader.LoadModule(path, Fast),
            "string" => ModuleLoader.LoadFromString(File.ReadAllText(path), Fast),
            _ => ModuleLoader.LoadFromBytes(bytes, Fast).Module,
        };

        // The load read the input into a rented array and gave it back: whoever rents it next may overwrite it.
        for (var i = 0; i < 4; i++)
        {
            ArrayPool<byte>.Shared.Rent(bytes.Length).AsSpan().Fill((byte)'x');
        }

        Assert.Equal(40, loaded.DemoManager.Demos.Count);
        for (var i = 0; i < 40; i++)
        {
            var demo = loaded.DemoManager.Demos[i];
            Assert.Equal($"mail {i} \"é\"", demo.Inputs["email"]!.GetValue<string>());
            Assert.Equal($"c{i}", demo.Outputs["category"]!.GetValue<string>());
            Assert.Equal($"n{i}", demo.Metadata["note"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("\"email\": \"mail 0 ", "\"email\": 1, \"email\": \"mail 0 ")]                       // in a demo's inputs
    [InlineData("\"module_type\"", "\"state\": \"x\", \"state\": \"y\", \"module_type\"")]            // at the top
    [InlineData("\"email\": \"mail 0 ", "\"a\": 1, \"\\u0061\": 2, \"email\": \"mail 0 ")]             // the same key, once escaped
    public void A_duplicate_key_anywhere_is_refused_as_the_full_parse_refuses_it(string find, string replace)
    {
        var text = ReplaceFirst(Unsigned(Module(demos: 3)), find, replace);
        Assert.Null(ModuleScan.TryRead(Encoding.UTF8.GetBytes(text), 64));

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(text, Fast));
        Assert.Contains("Invalid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duplicate_key_in_an_object_with_many_keys_is_refused()
    {
        // Past the first keys the pass keeps them in a hash set: a duplicate there is found as well.
        var keys = string.Join(", ", Enumerable.Range(0, 40).Select(i => $"\"k{i}\": {i}"));
        var text = ReplaceFirst(Unsigned(Module(demos: 2)), "\"note\": ", $"{keys}, \"k3\": 3, \"note\": ");
        Assert.Null(ModuleScan.TryRead(Encoding.UTF8.GetBytes(text), 64));
        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(text, Fast));

        var distinct = ReplaceFirst(Unsigned(Module(demos: 2)), "\"note\": ", $"{keys}, \"note\": ");
        Assert.NotNull(ModuleScan.TryRead(Encoding.UTF8.GetBytes(distinct), 64));
        Assert.Equal(39, ModuleLoader.LoadFromString(distinct, Fast).DemoManager.Demos[0].Metadata["k39"]!.GetValue<int>());
    }

    [Fact]
    public void An_escaped_key_is_left_to_the_full_parse_which_reads_it()
    {
        var text = ReplaceFirst(Unsigned(Module(demos: 3)), "\"inputs\"", "\"\\u0069nputs\"");
        Assert.Null(ModuleScan.TryRead(Encoding.UTF8.GetBytes(text), 64));

        var loaded = ModuleLoader.LoadFromString(text, Fast);
        Assert.Equal("mail 0 \"é\"", loaded.DemoManager.Demos[0].Inputs["email"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("[1]", "$.demo_manager.demos[0]")]
    [InlineData("[{\"outputs\": {}}]", "$.demo_manager.demos[0].inputs")]
    [InlineData("[{\"inputs\": {}, \"outputs\": {}, \"score\": \"high\"}]", "$.demo_manager.demos[0].score")]
    [InlineData("[{\"inputs\": {}, \"outputs\": {}, \"metadata\": []}]", "$.demo_manager.demos[0].metadata")]
    public void An_irregular_demo_is_reported_at_its_path(string demos, string path)
    {
        var document = JsonNode.Parse(Unsigned(Module(demos: 0)))!.AsObject();
        document["demo_manager"]!["demos"] = JsonNode.Parse(demos);
        var text = document.ToJsonString();
        Assert.Null(ModuleScan.TryRead(Encoding.UTF8.GetBytes(text), 64));

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(text, Fast));
        Assert.Equal(path, e.JsonPath);
    }

    [Theory]
    [InlineData(70, true)]
    [InlineData(20, false)]
    public void The_nesting_limit_holds_inside_demo_values(int depth, bool refused)
    {
        var nested = new string('[', depth) + new string(']', depth);
        var text = ReplaceFirst(Unsigned(Module(demos: 2)), "\"note\": ", $"\"deep\": {nested}, \"note\": ");
        var options = Isolated(new LoadOptions { VerifyDigest = false, MaxDepth = 64 });
        Assert.Equal(refused, ModuleScan.TryRead(Encoding.UTF8.GetBytes(text), 64) is null);

        if (refused)
        {
            var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(text, options));
            Assert.Contains("nesting limit 64", e.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(2, ModuleLoader.LoadFromString(text, options).DemoManager.Demos.Count);
        }
    }

    [Fact]
    public void Invalid_utf8_in_a_demo_string_is_left_to_the_full_parse_which_refuses_it()
    {
        var text = Encoding.UTF8.GetBytes(ReplaceFirst(Unsigned(Module(demos: 2)), "\"source\": \"manual\"", "\"source\": \"m@nual\""));
        var at = Array.IndexOf(text, (byte)'@');
        text[at] = 0xC3; // a lead byte without its continuation
        Assert.Null(ModuleScan.TryRead(text, 64));

        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromBytes(text, Fast));
    }

    [Fact]
    public void Content_after_the_document_is_refused()
    {
        var text = Unsigned(Module(demos: 2)) + " {}";
        Assert.Null(ModuleScan.TryRead(Encoding.UTF8.GetBytes(text), 64));
        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(text, Fast));
    }

    [Fact]
    public void A_file_whose_digest_is_checked_is_not_read_fast()
    {
        var bytes = ModuleSaver.SaveToBytes(Module(demos: 2));
        var tampered = Encoding.UTF8.GetString(bytes).Replace("mail 1", "mail 9", StringComparison.Ordinal);

        // Checked: the full parse finds the edit. Not checked: the fast read loads it, saying the digest was not checked.
        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(tampered, Full));
        var result = ModuleLoader.LoadFromStringWithReport(tampered, Fast);
        Assert.Equal(DigestStatus.NotChecked, result.Report.Digest);
        Assert.Equal("mail 9 \"é\"", result.Module.DemoManager.Demos[1].Inputs["email"]!.GetValue<string>());
    }

    private static Predict Module(int demos)
    {
        var module = new Predict("email: str -> category: str");
        for (var i = 0; i < demos; i++)
        {
            module.DemoManager.Add(Demo.Create(new { email = $"mail {i} \"é\"" }, new { category = $"c{i}" }) with
            {
                Metadata = new JsonObject { ["note"] = $"n{i}" },
            });
        }

        return module;
    }

    // As Python LogiLLM writes it: no integrity block.
    private static string Unsigned(Module module)
    {
        var document = JsonNode.Parse(ModuleSaver.SaveToString(module))!.AsObject();
        document.Remove("integrity");
        return document.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = true });
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{find}' not in the document");
        return string.Concat(text.AsSpan(0, at), replace, text.AsSpan(at + find.Length));
    }
}
