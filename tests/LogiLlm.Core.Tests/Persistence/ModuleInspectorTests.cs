using LogiLlm.Demos;
using LogiLlm.Persistence;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

public class ModuleInspectorTests
{
    [Fact]
    public void Inspect_summarizes_a_python_file()
    {
        var summary = ModuleInspector.Inspect(Fixture("optimized.json"));

        Assert.Equal("Predict", summary.ModuleType);
        Assert.Equal("optimized", summary.State);
        Assert.Equal("email: str -> category: str", summary.Signature!.ToString());
        Assert.Equal("Classify customer emails by category", summary.Signature.Instructions);
        Assert.Equal(0.3, (double)summary.Config["temperature"]!);
        Assert.Equal(5, summary.DemoCount);
        Assert.Equal(5, summary.MaxDemos);
        Assert.Equal("best", summary.SelectionStrategy);
        Assert.Equal("ChatAdapter", summary.Adapter);
        Assert.Null(summary.Provider);
        Assert.Equal(0, summary.FormatVersion);
        Assert.Equal(DigestStatus.Absent, summary.Digest);
        Assert.Contains("5 (max 5, best)", summary.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_shows_provider_and_children_without_needing_the_type_registered()
    {
        var program = new Pipeline();
        var child = new Predict("q -> a");
        child.DemoManager.Add(Demo.Create(new { q = "1" }, new { a = "2" }));
        program.AddChild("step", child);
        var json = ModuleSaver.SaveToString(program);

        var summary = ModuleInspector.InspectString(json);

        Assert.Equal("Pipeline", summary.ModuleType);
        Assert.Null(summary.Signature);
        Assert.Equal(1, summary.Children["step"].DemoCount);
        Assert.Equal(DigestStatus.Verified, summary.Digest);
        Assert.Equal(ModuleFileFormat.CurrentVersion, summary.FormatVersion);
        Assert.Contains("[step]", summary.ToString(), StringComparison.Ordinal);

        var provider = ModuleInspector.Inspect(Fixture("provider.json")).Provider!;
        Assert.Equal(("mock", "mock-model"), (provider.Name, provider.Model));
    }
}
