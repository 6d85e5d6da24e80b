using System.Text.Json.Nodes;

namespace LogiLlm.Core.Tests.Modules;

public class ModuleConfigTests
{
    [Fact]
    public void Indexer_and_typed_helpers_share_the_python_key_names()
    {
        var config = new ModuleConfig();
        config["temperature"] = 0.3;
        config.MaxTokens = 150;
        config.TopP = 0.95;
        config.Seed = 42;
        config.Stop = ["\n\n", "END"];

        Assert.Equal(0.3, config.Temperature);
        Assert.Equal(150, config["max_tokens"]!.GetValue<int>());
        Assert.Equal(0.95, config["top_p"]!.GetValue<double>());
        Assert.Equal(42L, config.Seed);
        Assert.Equal(["\n\n", "END"], config.Stop!);
        Assert.Equal(["temperature", "max_tokens", "top_p", "seed", "stop"], config.Keys);
    }

    [Fact]
    public void Setting_a_helper_to_null_removes_the_key()
    {
        var config = new ModuleConfig { ["temperature"] = 0.1 };

        config.Temperature = null;

        Assert.False(config.ContainsKey("temperature"));
        Assert.Null(config.Temperature);
        Assert.Empty(config);
    }

    [Fact]
    public void A_single_stop_string_reads_as_a_list()
    {
        var config = new ModuleConfig { ["stop"] = "###" };

        Assert.Equal(["###"], config.Stop!);
    }

    [Fact]
    public void ToChatOptions_maps_known_keys_and_passes_others_as_additional_properties()
    {
        var config = new ModuleConfig
        {
            ["temperature"] = 0.7,
            ["max_tokens"] = 64,
            ["top_p"] = 0.5,
            ["top_k"] = 40,
            ["frequency_penalty"] = 0.1,
            ["presence_penalty"] = 0.2,
            ["seed"] = 7,
            ["stop"] = new JsonArray("x"),
            ["custom"] = "value",
        };

        var options = config.ToChatOptions();

        Assert.Equal(0.7f, options.Temperature);
        Assert.Equal(64, options.MaxOutputTokens);
        Assert.Equal(0.5f, options.TopP);
        Assert.Equal(40, options.TopK);
        Assert.Equal(0.1f, options.FrequencyPenalty);
        Assert.Equal(0.2f, options.PresencePenalty);
        Assert.Equal(7L, options.Seed);
        Assert.Equal(["x"], options.StopSequences!);
        Assert.Equal("value", Assert.IsAssignableFrom<JsonNode>(options.AdditionalProperties!["custom"]).GetValue<string>());
        Assert.False(options.AdditionalProperties.ContainsKey("temperature"));
    }

    [Fact]
    public void A_well_known_key_with_a_wrong_type_fails_loudly()
    {
        var config = new ModuleConfig { ["temperature"] = new JsonArray(1) };

        var e = Assert.Throws<FormatException>(() => config.ToChatOptions());

        Assert.Contains("temperature", e.Message);
    }

    [Fact]
    public void Nodes_owned_by_another_tree_are_copied_and_Clone_is_deep()
    {
        var other = new JsonObject { ["t"] = new JsonObject { ["x"] = 1 } };
        var config = new ModuleConfig { ["nested"] = other["t"] };

        var clone = config.Clone();
        clone["nested"]!["x"] = 2;

        Assert.Equal(1, config["nested"]!["x"]!.GetValue<int>());
        Assert.Equal(1, other["t"]!["x"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["nested"] = new JsonObject { ["x"] = 1 } }, config.ToJsonObject()));
    }
}
