using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Property: for generated modules, load(save(m)) equals m and save(load(save(m))) equals save(m) but for the timestamp.</summary>
public class RoundTripPropertyTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        foreach (var batch in Enumerable.Range(0, 20))
        {
            data.Add(batch);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Generated_modules_round_trip_exactly(int batch)
    {
        var options = Isolated(new LoadOptions { ModuleTypes = TestModuleTypes.Create() });
        for (var seed = batch * 25; seed < (batch + 1) * 25; seed++)
        {
            var module = new RandomModules(seed).Module();
            var json = ModuleSaver.SaveToString(module);

            var loaded = ModuleLoader.LoadFromString(json, options);

            AssertSameModule(module, loaded, $"seed {seed}");
            var again = ModuleSaver.SaveToString(loaded);
            Assert.Equal(StableDocument(json).ToJsonString(), StableDocument(again).ToJsonString());
        }
    }

    [Fact]
    public void Generated_type_expressions_survive_parse_and_print()
    {
        var random = new RandomModules(7);
        for (var i = 0; i < 500; i++)
        {
            var type = global::LogiLlm.Signatures.FieldType.Parse(random.TypeExpression(0));
            Assert.Equal(type, global::LogiLlm.Signatures.FieldType.Parse(type.ToString()));
        }
    }

    private static void AssertSameModule(Module expected, Module actual, string context)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.ModuleType, actual.ModuleType);
        Assert.True(Equals(expected.Signature, actual.Signature), $"{context}: signature {expected.Signature} vs {actual.Signature}");
        Assert.True(JsonNode.DeepEquals(expected.Config.ToJsonObject(), actual.Config.ToJsonObject()), $"{context}: config");
        Assert.Equal(expected.Config.Keys, actual.Config.Keys);
        Assert.True(JsonNode.DeepEquals(expected.Metadata, actual.Metadata), $"{context}: metadata");
        Assert.Equal(expected.State, actual.State);
        Assert.Equal(expected.Adapter.Name, actual.Adapter.Name);
        Assert.True(JsonNode.DeepEquals(expected.Adapter.Config, actual.Adapter.Config), $"{context}: adapter config");
        Assert.Equal(expected.DemoManager.MaxDemos, actual.DemoManager.MaxDemos);
        Assert.Equal(expected.DemoManager.SelectionStrategy, actual.DemoManager.SelectionStrategy);
        Assert.Equal(expected.DemoManager.Seed, actual.DemoManager.Seed);
        Assert.Equal(expected.DemoManager.Demos, actual.DemoManager.Demos);
        Assert.Equal(expected.DemoManager.TeacherDemos, actual.DemoManager.TeacherDemos);
        if (expected.Provider is { } provider)
        {
            var saved = actual.SavedProvider;
            Assert.NotNull(saved);
            Assert.Equal(provider.Name, saved.Name);
            Assert.Equal(provider.Model, saved.Model);
        }

        Assert.Equal(expected.Children.Keys, actual.Children.Keys);
        foreach (var (name, child) in expected.Children)
        {
            AssertSameModule(child, actual.Children[name], $"{context} / {name}");
        }
    }
}
