using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>A load releases its parsed document once the module is built: what the module keeps reads nothing from it.</summary>
public sealed class ReleasedDocumentTests
{
    private static Predict ModuleWithDemos()
    {
        var module = new Predict("email: str, tags: list[str] -> category: str");
        module.Metadata["demo_manager"] = new JsonObject { ["demos"] = new JsonArray(1, 2, 3), ["teacher_demos"] = new JsonArray("kept") };
        module.Metadata["modules"] = new JsonObject { ["x"] = new JsonObject { ["demo_manager"] = new JsonObject { ["demos"] = new JsonArray(4) } } };
        for (var i = 0; i < 5; i++)
        {
            var demo = Demo.Create(new { email = $"mail {i} \"é\" \\u", tags = new[] { "a", $"t{i}" } }, new { category = $"c{i}" }) with
            {
                Metadata = new JsonObject { ["note"] = $"n{i}", ["nested"] = new JsonObject { ["k"] = i } },
            };
            module.DemoManager.Add(demo);
            module.DemoManager.TeacherDemos.Add(demo with { Score = 0.5 });
        }

        return module;
    }

    [Fact]
    public void Demo_values_and_metadata_read_after_the_load_are_the_saved_ones()
    {
        var saved = ModuleWithDemos();
        var bytes = ModuleSaver.SaveToBytes(saved);
        var loaded = (Predict)ModuleLoader.LoadFromBytes(bytes).Module;
        Array.Clear(bytes); // the caller reuses its buffer: the module keeps its own copy

        // Read only now, after the load disposed the parsed document its demos came from.
        Assert.Equal(saved.DemoManager.Demos.Count, loaded.DemoManager.Demos.Count);
        for (var i = 0; i < saved.DemoManager.Demos.Count; i++)
        {
            Assert.Equal(saved.DemoManager.Demos[i], loaded.DemoManager.Demos[i]);
            Assert.Equal(saved.DemoManager.TeacherDemos[i], loaded.DemoManager.TeacherDemos[i]);
            Assert.Equal($"n{i}", loaded.DemoManager.Demos[i].Metadata["note"]!.GetValue<string>());
            Assert.Equal(i, loaded.DemoManager.Demos[i].Metadata["nested"]!["k"]!.GetValue<int>());
            Assert.Equal(2, loaded.DemoManager.Demos[i].Inputs["tags"]!.AsArray().Count);
        }
    }

    [Fact]
    public void Lists_named_like_demos_in_user_metadata_are_kept_whole()
    {
        var saved = ModuleWithDemos();
        var loaded = ModuleLoader.LoadFromBytes(ModuleSaver.SaveToBytes(saved)).Module;

        // The loader empties the module tree's demo lists in the copy it reads the rest from; metadata is not part of that tree.
        Assert.True(JsonNode.DeepEquals(saved.Metadata, loaded.Metadata), loaded.Metadata.ToJsonString());
        Assert.Equal(3, loaded.Metadata["demo_manager"]!["demos"]!.AsArray().Count);
    }

    [Fact]
    public void Children_demos_load_from_the_parsed_document_and_their_lists_stay_out_of_the_tree()
    {
        var parent = new Pipeline();
        var child = new Predict("text -> label");
        child.DemoManager.Add(Demo.Create(new { text = "x" }, new { label = "y" }));
        parent.AddChild("classify", child);
        var loaded = ModuleLoader.LoadFromBytes(ModuleSaver.SaveToBytes(parent), new LoadOptions { ModuleTypes = TestModuleTypes.Create() }).Module;

        var demo = Assert.Single(((Predict)loaded.Children["classify"]).DemoManager.Demos);
        Assert.Equal("y", demo.Outputs["label"]!.GetValue<string>());
    }
}
