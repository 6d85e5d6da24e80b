using LogiLlm.Optimizers;
using static LogiLlm.Core.Tests.Optimizers.OptimizerTestKit;

namespace LogiLlm.Core.Tests.Optimizers;

public class HybridOptimizerTests
{
    private static readonly ParameterSpace TemperatureSpace = new() { { "temperature", 0.0, 1.0 } };

    [Fact]
    public async Task Alternating_finds_both_the_demos_and_the_temperature_the_model_needs()
    {
        // Right only with a demo of the right label AND a temperature in [0.2, 0.4].
        var client = DemoAwareClient(r => TemperatureIn(r, 0.2f, 0.4f));

        var result = await new HybridOptimizer(new AccuracyMetric("category"), HybridStrategy.Alternating, trials: 12, maxBootstrappedDemos: 4, maxLabeledDemos: 8, options: Options())
            .OptimizeAsync(Classifier(client), Emails(16), TemperatureSpace);

        Assert.Equal(0, result.BaselineScore);
        Assert.Equal(1, result.BestScore);
        Assert.InRange(result.BestConfig["temperature"]!.GetValue<double>(), 0.2, 0.4);
        Assert.InRange(result.OptimizedModule.Config.Temperature!.Value, 0.2, 0.4);
        Assert.NotEmpty(result.OptimizedModule.DemoManager.Demos);
        Assert.Contains(result.History, t => t.Phase == "demos");
        Assert.Contains(result.History, t => t.Phase == "hyperparameters");
        Assert.Equal("alternating", result.Metadata["settings"]!["strategy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Joint_searches_the_temperature_and_the_number_of_demos_together()
    {
        var client = DemoAwareClient(r => TemperatureIn(r, 0.2f, 0.4f));

        var result = await new HybridOptimizer(new AccuracyMetric("category"), HybridStrategy.Joint, trials: 10, numIterations: 3, maxBootstrappedDemos: 4, maxLabeledDemos: 8, options: Options())
            .OptimizeAsync(Classifier(client), Emails(16), TemperatureSpace);

        Assert.True(result.BestScore > result.BaselineScore);
        Assert.InRange(result.BestConfig["temperature"]!.GetValue<double>(), 0.2, 0.4);
        var numDemos = result.BestConfig[ParameterSpec.DemoCountKey]!.GetValue<int>();
        Assert.True(numDemos > 0);
        Assert.Equal(numDemos, result.OptimizedModule.DemoManager.MaxDemos);
        Assert.All(result.History.Skip(1), t => Assert.Equal("joint", t.Phase));
        Assert.Equal(31, result.History.Count);
    }

    [Fact]
    public async Task Sequential_tunes_the_temperature_first_then_bootstraps_demos_with_it()
    {
        var client = TemperatureBandClient(0.2f, 0.4f);

        var result = await new HybridOptimizer(new AccuracyMetric("category"), HybridStrategy.Sequential, trials: 10, maxBootstrappedDemos: 3, maxLabeledDemos: 3, options: Options())
            .OptimizeAsync(Classifier(client), Emails(12), TemperatureSpace);

        Assert.Equal(1, result.BestScore);
        Assert.InRange(result.OptimizedModule.Config.Temperature!.Value, 0.2, 0.4);
        // The teacher ran at the tuned temperature, so its answers passed and became demos.
        Assert.Equal(3, result.OptimizedModule.DemoManager.Demos.Count(d => d.Source == "bootstrap"));
        Assert.Equal("demos", result.History[^1].Phase);
        Assert.Equal(3, result.BestConfig["bootstrapped"]!.GetValue<int>());
    }
}
