using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Modules;

public class PredictionTests
{
    private static Prediction Sample() => new(new Dictionary<string, object?>
    {
        ["n"] = 3L,
        ["tags"] = FieldValueCoercion.Convert("[\"a\", \"b\"]", FieldType.Parse("list[str]")),
        ["x"] = null,
        ["s"] = "text",
    });

    [Fact]
    public void Get_converts_to_the_requested_clr_type()
    {
        var p = Sample();

        Assert.Equal(3, p.Get<int>("n"));
        Assert.Equal(3.0, p.Get<double>("n"));
        Assert.Equal("3", p.Get<string>("n"));
        Assert.Equal(["a", "b"], p.Get<List<string>>("tags"));
        Assert.Null(p.Get<string?>("x"));
        Assert.Equal("text", p["s"]);
    }

    [Fact]
    public void Get_fails_clearly_for_missing_outputs_and_impossible_types()
    {
        var p = Sample();

        Assert.Contains("n, tags, x, s", Assert.Throws<KeyNotFoundException>(() => p.Get("nope")).Message);
        Assert.Throws<InvalidCastException>(() => p.Get<int>("s"));
        Assert.Throws<InvalidCastException>(() => p.Get<int>("x"));
        Assert.False(p.TryGet<int>("s", out _));
        Assert.True(p.TryGet<long>("n", out var n));
        Assert.Equal(3L, n);
    }

    [Fact]
    public void Failure_carries_error_and_no_outputs()
    {
        var p = Prediction.Failure("bad", "raw", new TokenUsage(3, 4), "m", "f");

        Assert.False(p.Success);
        Assert.Empty(p.Outputs);
        Assert.Equal(7, p.Usage.TotalTokens);
        Assert.Contains("failed: bad", p.ToString());
    }

    [Fact]
    public void ModuleState_uses_lower_case_wire_names_and_keeps_unknown_ones()
    {
        Assert.Equal("optimized", ModuleState.Optimized.ToString());
        Assert.Equal(ModuleState.Optimized, ModuleState.Parse("Optimized"));
        Assert.Equal("initialized", default(ModuleState).Value);
        Assert.Equal(ModuleState.Initialized, default);
        Assert.Equal("distilled", ModuleState.Parse("distilled").Value);
        Assert.Throws<ArgumentException>(() => ModuleState.Parse(" "));
    }
}
