using System.Text.Json.Nodes;
using LogiLlm.Demos;

namespace LogiLlm.Core.Tests.Modules;

public class DeriveTests
{
    private static Predict Source()
    {
        var module = new Predict("email -> category");
        module.Config["temperature"] = 0.7;
        module.DemoManager.Add(Demo.Create(new { email = "a" }, new { category = "x" }));
        module.DemoManager.Add(Demo.Create(new { email = "b" }, new { category = "y" }));
        module.State = ModuleState.Optimized;
        return module;
    }

    [Fact]
    public void Derive_applies_the_changes_to_a_copy_and_records_the_lineage()
    {
        var source = Source();
        var clock = new FixedClock(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

        var derived = source.Derive(new ModuleDerivation
        {
            Config = new Dictionary<string, JsonNode?> { ["temperature"] = 0.0, ["top_p"] = 0.9 },
            Instructions = "Be terse.",
            RemoveDemos = [0],
            AddDemos = [Demo.Create(new { email = "c" }, new { category = "z" })],
            DerivedFrom = "email@3",
        }, clock);

        Assert.Equal(0.0, derived.Config.Temperature);
        Assert.Equal(0.7, source.Config.Temperature);
        Assert.Equal("Be terse.", derived.Signature!.Instructions);
        Assert.Equal(["b", "c"], derived.DemoManager.Demos.Select(d => (string)d.Inputs["email"]!));
        Assert.Equal(2, source.DemoManager.Demos.Count);
        Assert.Equal(ModuleState.Optimized, derived.State);
        var lineage = derived.Metadata[Module.DerivedFromKey]!;
        Assert.Equal("email@3", (string)lineage["source"]!);
        Assert.Equal("2026-12-01T12:00:00.0000000+00:00", (string)lineage["derived_at"]!);
        Assert.Equal(["temperature", "top_p"], lineage["changes"]!["config"]!.AsArray().Select(k => (string)k!));
    }

    [Fact]
    public void A_derivation_of_a_derived_module_keeps_the_earlier_lineage_as_previous()
    {
        var first = Source().Derive(new ModuleDerivation { Instructions = "one", DerivedFrom = "m@1" });
        var second = first.Derive(new ModuleDerivation { Instructions = "two", DerivedFrom = "m@2" });

        Assert.Equal("m@1", (string)second.Metadata[Module.DerivedFromKey]!["previous"]!["source"]!);
    }

    [Fact]
    public void Derive_refuses_empty_changes_and_bad_demo_indices()
    {
        Assert.Throws<ArgumentException>(() => Source().Derive(new ModuleDerivation()));
        Assert.Throws<ArgumentException>(() => Source().Derive(new ModuleDerivation { RemoveDemos = [2] }));
        Assert.Throws<ArgumentException>(() => Source().Derive(new ModuleDerivation { RemoveDemos = [0, 0] }));
    }
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
