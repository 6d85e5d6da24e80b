using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>The loader's fast paths (digest over parsed bytes, demos read without a node tree) agree with the node forms.</summary>
public class DigestFormsTests
{
    [Theory]
    [InlineData("""{"b":1,"a":{"z":[1,{"y":2,"x":"é"}],"y":null}}""")]
    [InlineData("""{"\u0041":1,"B":2,"a":{"é":1,"e":2,"\uE000":3,"😀":4,"z\"q":5}}""")]
    [InlineData("""{"save_timestamp":"now","integrity":{},"seal":{},"k":[{"b":[],"a":{}}]}""")]
    [InlineData("""{"t":{"s":1,"r":2,"q":3,"p":4,"o":5,"n":6,"m":7,"l":8,"k":9,"j":10,"i":11,"h":12,"g":13,"f":14,"e":15,"d":16,"c":17,"b":18,"a":19}}""")]
    [InlineData("""{"t":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"r":{"ab":1,"a":2,"b":3,"aa":4}}}""")]
    [InlineData("""{"t":{"d":1,"c":2,"é":3,"b":4,"a":5,"f":6,"e":7,"h":8,"g":9,"j":10,"i":11,"l":12,"k":13,"n":14,"m":15,"p":16,"o":17}}""")]
    public void The_digest_of_parsed_bytes_equals_the_digest_of_the_same_nodes(string json)
    {
        using var document = JsonDocument.Parse(json);

        Assert.Equal(IntegrityDigest.Compute(JsonNode.Parse(json)!.AsObject()), IntegrityDigest.Compute(document.RootElement));
    }

    [Fact]
    public void Demos_read_from_the_parsed_bytes_equal_the_saved_ones_and_survive_another_save()
    {
        var module = new Predict("email: str, tags: list[str] -> category: str, confidence: float");
        module.DemoManager.Add(Demo.Create(new { email = "Refund please", tags = new[] { "a", "b" } }, new { category = "refund", confidence = 0.9 }, 0.75, "bootstrap") with
        {
            Metadata = new JsonObject { ["round"] = 1, ["nested"] = new JsonObject { ["k"] = new JsonArray(1, 2) } },
        });
        module.DemoManager.TeacherDemos.Add(Demo.Create(new { email = "Where is it", tags = Array.Empty<string>() }, new { category = "order", confidence = 1.0 }));
        var saved = ModuleSaver.SaveToString(module);

        var loaded = ModuleLoader.LoadFromString(saved, new LoadOptions { RequireDigest = true });

        Assert.Equal(module.DemoManager.Demos, loaded.DemoManager.Demos);
        Assert.Equal(module.DemoManager.TeacherDemos, loaded.DemoManager.TeacherDemos);
        // The loaded values are editable and leave the next save the same as the first.
        Assert.Equal(Strip(saved), Strip(ModuleSaver.SaveToString(loaded)));
        loaded.DemoManager.Demos[0].Metadata["added"] = true;
        Assert.True(ModuleSaver.CreateDocument(loaded)["demo_manager"]!["demos"]![0]!["metadata"]!["added"]!.GetValue<bool>());
    }

    [Fact]
    public void Loaded_demo_values_are_read_when_first_used_and_every_reader_sees_the_same_nodes()
    {
        var module = new Predict("email: str, tags: list[str] -> category: str");
        for (var i = 0; i < 20; i++)
        {
            module.DemoManager.Add(Demo.Create(new { email = $"message {i}", tags = new[] { "t", $"n{i}" } }, new { category = i % 2 == 0 ? "even" : "odd" }, source: "labeled"));
        }

        var loaded = ModuleLoader.LoadFromString(ModuleSaver.SaveToString(module));
        var demo = loaded.DemoManager.Demos[7];

        Assert.Equal(2, demo.Inputs.Count);
        var seen = new JsonNode?[16];
        Parallel.For(0, seen.Length, i => seen[i] = demo.Inputs["tags"]);
        Assert.All(seen, node => Assert.Same(seen[0], node));
        Assert.Equal(["email", "tags"], demo.Inputs.Keys);
        Assert.Equal("message 7", demo.Inputs["email"]!.GetValue<string>());
        Assert.Equal(["t", "n7"], demo.Inputs["tags"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.False(demo.Outputs.ContainsKey("email"));
        Assert.Equal("labeled", demo.Source);
        Assert.Equal(module.DemoManager.Demos, loaded.DemoManager.Demos);
    }

    private static string Strip(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        node.Remove("save_timestamp");
        return node.ToJsonString();
    }
}
