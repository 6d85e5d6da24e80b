using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>A module with fields of its own, saved through <c>SaveState</c> and restored through <c>LoadState</c>.</summary>
internal sealed class KeywordRouter : Module
{
    public KeywordRouter()
        : base("KeywordRouter", LogiLlm.Signatures.Signature.Parse("text -> route"))
    {
    }

    public Dictionary<string, string> Routes { get; } = new(StringComparer.Ordinal);

    public double Threshold { get; set; } = 0.5;

    public override Module Clone()
    {
        var copy = CopyStateTo(new KeywordRouter { Threshold = Threshold });
        foreach (var (k, v) in Routes)
        {
            copy.Routes[k] = v;
        }

        return copy;
    }

    protected override void SaveState(JsonObject state)
    {
        state["threshold"] = Threshold;
        state["routes"] = new JsonObject(Routes.Select(r => KeyValuePair.Create(r.Key, (JsonNode?)r.Value)));
    }

    protected override void LoadState(JsonObject state)
    {
        var threshold = state["threshold"]!.GetValue<double>();
        if (threshold is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(state), threshold, "threshold must be in [0, 1]");
        }

        Threshold = threshold;
        foreach (var (k, v) in state["routes"]!.AsObject())
        {
            Routes[k] = v!.GetValue<string>();
        }
    }

    protected override Task<Prediction> ForwardAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken) =>
        throw new NotSupportedException("test module");
}

public class CustomStateTests
{
    private static ModuleTypeRegistry Types() => TestModuleTypes.Create().Register<KeywordRouter>("KeywordRouter");

    private static KeywordRouter Router()
    {
        var router = new KeywordRouter { Threshold = 0.75 };
        router.Routes["refund"] = "billing";
        router.Routes["late"] = "shipping";
        router.Config["temperature"] = 0.2;
        return router;
    }

    [Fact]
    public void A_custom_module_s_own_fields_round_trip_through_a_file()
    {
        using var temp = CreateTempDirectory();
        var path = temp.File("router.json");
        Router().Save(path);

        var loaded = ModuleLoader.Load<KeywordRouter>(path, Isolated(new LoadOptions { ModuleTypes = Types() }));

        Assert.Equal(0.75, loaded.Threshold);
        Assert.Equal(new Dictionary<string, string> { ["refund"] = "billing", ["late"] = "shipping" }, loaded.Routes);
        Assert.Equal(0.2, loaded.Config["temperature"]!.GetValue<double>());
        var saved = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal("billing", (string)saved["custom_state"]!["routes"]!["refund"]!);
    }

    [Fact]
    public void Children_of_a_composite_save_their_own_state_under_their_entry()
    {
        var pipeline = new Pipeline();
        pipeline.AddChild("router", Router());

        var json = ModuleSaver.SaveToString(pipeline);
        var loaded = ModuleLoader.LoadFromString(json, Isolated(new LoadOptions { ModuleTypes = Types() }));

        Assert.Null(JsonNode.Parse(json)!["custom_state"]);
        Assert.NotNull(JsonNode.Parse(json)!["modules"]!["router"]!["custom_state"]);
        Assert.Equal("shipping", Assert.IsType<KeywordRouter>(loaded.Children["router"]).Routes["late"]);
    }

    [Fact]
    public void Modules_without_state_of_their_own_write_no_custom_state_key()
    {
        Assert.False(ModuleSaver.CreateDocument(new Predict("a -> b")).ContainsKey("custom_state"));
    }

    [Fact]
    public void A_state_that_LoadState_refuses_fails_the_load_naming_the_entry()
    {
        var doc = ModuleSaver.CreateDocument(Router());
        doc["custom_state"]!["threshold"] = 7;
        doc.Remove("integrity");

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(doc.ToJsonString(), Isolated(new LoadOptions { ModuleTypes = Types() })));

        Assert.Equal("$.custom_state", e.JsonPath);
        Assert.Contains("threshold must be in [0, 1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_custom_state_is_covered_by_the_digest()
    {
        var doc = ModuleSaver.CreateDocument(Router());
        doc["custom_state"]!["routes"]!["refund"] = "attacker";

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(doc.ToJsonString(), Isolated(new LoadOptions { ModuleTypes = Types() })));

        Assert.StartsWith("Integrity check failed", e.Message, StringComparison.Ordinal);
    }
}
