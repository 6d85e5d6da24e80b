using System.Text.Json.Nodes;
using LogiLlm.Demos;

namespace LogiLlm.Core.Tests.Demos;

public class DemoManagerTests
{
    private static Demo D(string name, double score) => Demo.Create(new { q = name }, new { a = name }, score);

    private static string[] Names(IEnumerable<Demo> demos) => demos.Select(d => d.Inputs["q"]!.GetValue<string>()).ToArray();

    private static DemoManager Manager(DemoSelectionStrategy strategy, int max, params Demo[] demos)
    {
        var manager = new DemoManager { SelectionStrategy = strategy, MaxDemos = max };
        manager.AddRange(demos);
        return manager;
    }

    [Fact]
    public void Best_picks_the_highest_scores_first_and_keeps_ties_in_insertion_order()
    {
        var manager = Manager(DemoSelectionStrategy.Best, 3, D("low", 0.1), D("tieA", 0.8), D("top", 0.95), D("tieB", 0.8), D("mid", 0.5));

        Assert.Equal(["top", "tieA", "tieB"], Names(manager.Select()));
    }

    [Fact]
    public void First_picks_in_insertion_order()
    {
        var manager = Manager(DemoSelectionStrategy.First, 2, D("one", 0.1), D("two", 0.2), D("three", 0.9));

        Assert.Equal(["one", "two"], Names(manager.Select()));
    }

    [Fact]
    public void Random_with_a_seed_is_reproducible_and_differs_between_seeds()
    {
        var demos = Enumerable.Range(0, 20).Select(i => D($"d{i}", 1)).ToArray();
        var a = Manager(DemoSelectionStrategy.Random, 5, demos);
        a.Seed = 42;
        var b = Manager(DemoSelectionStrategy.Random, 5, demos);
        b.Seed = 42;
        var c = Manager(DemoSelectionStrategy.Random, 5, demos);
        c.Seed = 7;

        var first = Names(a.Select());

        Assert.Equal(first, Names(a.Select()));
        Assert.Equal(first, Names(b.Select()));
        Assert.NotEqual(first, Names(c.Select()));
        Assert.Equal(5, first.Distinct().Count());
        Assert.NotEqual(Names(demos.Take(5)), first);
    }

    [Fact]
    public void MaxDemos_caps_every_strategy_and_zero_selects_none()
    {
        foreach (var strategy in Enum.GetValues<DemoSelectionStrategy>())
        {
            Assert.Equal(2, Manager(strategy, 2, D("a", 1), D("b", 1), D("c", 1)).Select().Count);
            Assert.Empty(Manager(strategy, 0, D("a", 1)).Select());
            Assert.Single(Manager(strategy, 5, D("a", 1)).Select());
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => new DemoManager { MaxDemos = -1 });
    }

    [Fact]
    public void Teacher_demos_are_not_selected_and_Clear_removes_both_lists()
    {
        var manager = new DemoManager();
        manager.TeacherDemos.Add(D("teacher", 1));

        Assert.Empty(manager.Select());

        manager.Add(D("x", 1));
        manager.Clear();
        Assert.Empty(manager.Demos);
        Assert.Empty(manager.TeacherDemos);
    }

    [Fact]
    public void Clone_is_deep()
    {
        var manager = Manager(DemoSelectionStrategy.First, 3, D("a", 1));
        manager.Seed = 3;

        var clone = manager.Clone();
        clone.Demos[0].Metadata["x"] = 1;
        clone.Add(D("b", 1));

        Assert.Single(manager.Demos);
        Assert.False(manager.Demos[0].Metadata.ContainsKey("x"));
        Assert.Equal(manager.Demos[0].Inputs["q"]!.GetValue<string>(), clone.Demos[0].Inputs["q"]!.GetValue<string>());
        Assert.Equal(3, clone.Seed);
        Assert.Equal(DemoSelectionStrategy.First, clone.SelectionStrategy);
    }

    [Theory]
    [InlineData("best", DemoSelectionStrategy.Best)]
    [InlineData("First", DemoSelectionStrategy.First)]
    [InlineData("random", DemoSelectionStrategy.Random)]
    public void Strategy_wire_names_round_trip(string wire, DemoSelectionStrategy strategy)
    {
        Assert.Equal(strategy, DemoManager.ParseStrategy(wire));
        Assert.Equal(wire.ToLowerInvariant(), DemoManager.ToWireName(strategy));
    }

    [Fact]
    public void Unknown_strategy_name_throws() => Assert.Throws<ArgumentException>(() => DemoManager.ParseStrategy("worst"));

    [Fact]
    public void Demo_Create_reads_anonymous_objects_and_keeps_values_as_json()
    {
        var demo = Demo.Create(new { email = "Où est ma commande ?", tags = new[] { "a", "b" } }, new { category = "order_status", confidence = 0.9 }, 0.7, "labeled");

        Assert.Equal("Où est ma commande ?", demo.Inputs["email"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[\"a\",\"b\"]"), demo.Inputs["tags"]));
        Assert.Equal(0.9, demo.Outputs["confidence"]!.GetValue<double>());
        Assert.Equal(0.7, demo.Score);
        Assert.Equal("labeled", demo.Source);
        Assert.NotNull(demo.Timestamp);
        Assert.Throws<ArgumentException>(() => Demo.Create("not an object", new { a = 1 }));
    }

    [Fact]
    public void A_demo_without_metadata_keeps_what_is_written_to_its_empty_metadata()
    {
        var demo = D("q", 1.0);
        Assert.Empty(demo.Metadata);

        demo.Metadata["note"] = "kept";
        var copy = demo with { Score = 0.5 };

        Assert.Equal("kept", demo.Metadata["note"]!.GetValue<string>());
        Assert.Same(demo.Metadata, copy.Metadata);
        Assert.Equal(demo with { Score = 0.5 }, copy);
    }
}
