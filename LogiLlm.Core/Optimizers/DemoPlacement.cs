using System.Text.Json.Nodes;
using LogiLlm.Demos;

namespace LogiLlm.Optimizers;

/// <summary>How optimizers put demos into a module and describe them.</summary>
internal static class DemoPlacement
{
    /// <summary>Replaces the module's demos with copies of <paramref name="demos"/> and lets all of them into the prompt (as DSPy does).</summary>
    public static void Place(Module module, IReadOnlyList<Demo> demos)
    {
        module.DemoManager.Demos.Clear();
        module.DemoManager.AddRange(demos.Select(d => d.DeepClone()));
        module.DemoManager.MaxDemos = Math.Max(module.DemoManager.MaxDemos, demos.Count);
    }

    /// <summary>Demo counts of a module: <c>demos</c>, <c>bootstrapped</c>, <c>labeled</c>.</summary>
    public static JsonObject Describe(Module module, JsonObject? into = null)
    {
        var config = into ?? [];
        var demos = module.DemoManager.Demos;
        config["demos"] = demos.Count;
        config["bootstrapped"] = demos.Count(d => d.Source == "bootstrap");
        config["labeled"] = demos.Count(d => d.Source == "labeled");
        return config;
    }

    /// <summary><paramref name="count"/> distinct indices below <paramref name="total"/>, drawn with <paramref name="random"/> (one shuffle).</summary>
    public static int[] SampleIndices(Random random, int total, int count)
    {
        var indices = Enumerable.Range(0, total).ToArray();
        random.Shuffle(indices);
        return indices[..Math.Min(count, total)];
    }

    /// <summary>A labelled demo for example <paramref name="index"/>.</summary>
    public static Demo Labeled(Example example, int index) =>
        example.ToDemo(1.0, "labeled") with { Metadata = new JsonObject { ["example_index"] = index } };
}
