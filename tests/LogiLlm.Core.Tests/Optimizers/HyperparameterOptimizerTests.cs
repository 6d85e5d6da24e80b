using System.Text.Json.Nodes;
using LogiLlm.Optimizers;
using static LogiLlm.Core.Tests.Optimizers.OptimizerTestKit;

namespace LogiLlm.Core.Tests.Optimizers;

public class HyperparameterOptimizerTests
{
    [Fact]
    public async Task Random_search_finds_the_temperature_band_the_model_rewards()
    {
        var client = TemperatureBandClient(0.2f, 0.4f);
        var space = new ParameterSpace { { "temperature", 0.0, 1.0 } };

        var result = await new HyperparameterOptimizer(new AccuracyMetric("category"), trials: 20, options: Options())
            .OptimizeAsync(Classifier(client), Emails(8), space);

        Assert.Equal(0, result.BaselineScore);
        Assert.Equal(1, result.BestScore);
        var best = result.Metadata["best_config"]!["temperature"]!.GetValue<double>();
        Assert.InRange(best, 0.2, 0.4);
        Assert.Equal(best, result.OptimizedModule.Config.Temperature);
        Assert.Equal("baseline", result.History[0].Phase);
        Assert.Equal(21, result.History.Count);
        Assert.All(result.History.Skip(1), t =>
            Assert.Equal(t.Config["temperature"]!.GetValue<double>() is >= 0.2 and <= 0.4 ? 1.0 : 0.0, t.Score));
    }

    [Fact]
    public async Task Grid_search_tries_every_point_and_keeps_the_first_best()
    {
        var client = TemperatureBandClient(0.2f, 0.4f);
        var space = new ParameterSpace { { "temperature", 0.0, 1.0 } };

        var result = await new HyperparameterOptimizer(new AccuracyMetric("category"), strategy: SearchStrategy.Grid, gridResolution: 11, options: Options())
            .OptimizeAsync(Classifier(client), Emails(4), space);

        Assert.Equal([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0], result.History.Skip(1).Select(t => t.Config["temperature"]!.GetValue<double>()));
        Assert.Equal([0.0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], result.History.Skip(1).Select(t => t.Score));
        Assert.Equal(0.2, result.BestConfig["temperature"]!.GetValue<double>());
    }

    [Fact]
    public async Task Integer_and_categorical_parameters_are_searched_and_applied()
    {
        var client = new LogiLlm.Providers.ScriptedChatClient().When(_ => true, r =>
            r.Options?.MaxOutputTokens >= 18 && r.Options.AdditionalProperties?["style"]?.ToString() == "b" ? LabelOf(r.LastUserText) : "unknown");
        var space = new ParameterSpace { { "max_tokens", 10, 20 }, ParameterSpec.Categorical("style", "a", "b") };

        var result = await new HyperparameterOptimizer(new AccuracyMetric("category"), space, strategy: SearchStrategy.Grid, options: Options())
            .OptimizeAsync(Classifier(client), Emails(4));

        Assert.Equal(1, result.BestScore);
        Assert.Equal(18L, result.BestConfig["max_tokens"]!.GetValue<long>());
        Assert.Equal("b", result.BestConfig["style"]!.GetValue<string>());
        Assert.Equal(18, result.OptimizedModule.Config.MaxTokens);
        Assert.Equal(1 + (5 * 2), result.History.Count);
    }

    [Fact]
    public async Task The_baseline_configuration_wins_ties_so_the_best_score_is_never_below_it()
    {
        var client = new LogiLlm.Providers.ScriptedChatClient().When(_ => true, r => LabelOf(r.LastUserText));
        var classifier = Classifier(client);
        classifier.Config.Temperature = 0.7;

        var result = await new HyperparameterOptimizer(new AccuracyMetric("category"), trials: 5, options: Options())
            .OptimizeAsync(classifier, Emails(4));

        Assert.Equal(1, result.BestScore);
        Assert.Equal(0, result.Improvement);
        Assert.Equal(0.7, result.OptimizedModule.Config.Temperature);
        Assert.NotSame(classifier, result.OptimizedModule);
        // No space given: the default space (temperature, top_p) is searched and recorded.
        var paramSpace = result.Metadata["settings"]!["param_space"]!.AsObject();
        Assert.Equal(["temperature", "top_p"], paramSpace.Select(p => p.Key));
    }

    [Fact]
    public void Parameter_space_samples_within_bounds_and_builds_grids()
    {
        var space = new ParameterSpace { { "temperature", 0.0, 1.0 }, { "top_p", 0.8, 1.0 }, { "max_tokens", 50, 60 } };
        var random = new Random(1);

        for (var i = 0; i < 100; i++)
        {
            var config = space.Sample(random);
            Assert.InRange(config["temperature"]!.GetValue<double>(), 0, 1);
            Assert.InRange(config["top_p"]!.GetValue<double>(), 0.8, 1);
            Assert.InRange(config["max_tokens"]!.GetValue<long>(), 50, 60);
        }

        Assert.Equal(3 * 3 * 3, space.Grid(3).Count);
        Assert.Equal(JsonNode.Parse("""{"temperature":0,"top_p":0.8,"max_tokens":50}""")!.ToJsonString(), space.Grid(3)[0].ToJsonString());
        Assert.Throws<ArgumentException>(() => space.Add("temperature", 0.0, 2.0));
        Assert.Throws<ArgumentException>(() => ParameterSpec.Float("x", 1, 0));
    }

    [Fact]
    public void A_grid_of_billions_of_configurations_is_refused_before_any_is_built()
    {
        var space = new ParameterSpace();
        foreach (var name in new[] { "temperature", "top_p", "presence_penalty", "frequency_penalty", "a", "b" })
        {
            space.Add(name, 0.0, 1.0);
        }

        // 50^6 = 15,625,000,000: building it would take the process's memory and CPU with no way to cancel.
        Assert.Equal(15_625_000_000, space.GridSize(50));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => space.Grid(50));
        Assert.Contains("15625000000 configurations", e.Message, StringComparison.Ordinal);
        var hundred = Enumerable.Range(0, 100).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray();
        var largest = new ParameterSpace { ParameterSpec.Categorical("c", hundred), ParameterSpec.Categorical("d", hundred) };
        Assert.Equal(ParameterSpace.MaxGridSize, largest.Grid(1).Count);
    }
}
