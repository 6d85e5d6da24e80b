using LogiLlm.Optimizers;
using static LogiLlm.Core.Tests.Optimizers.OptimizerTestKit;

namespace LogiLlm.Core.Tests.Optimizers;

public class LabeledFewShotTests
{
    [Fact]
    public async Task Places_k_labeled_demos_drawn_by_the_seed_and_reports_the_improvement()
    {
        var trainset = Emails(30);

        var first = await new LabeledFewShot(new AccuracyMetric("category"), k: 8, Options(seed: 3)).OptimizeAsync(Classifier(DemoAwareClient()), trainset);
        var second = await new LabeledFewShot(new AccuracyMetric("category"), k: 8, Options(seed: 3)).OptimizeAsync(Classifier(DemoAwareClient()), trainset);
        var other = await new LabeledFewShot(new AccuracyMetric("category"), k: 8, Options(seed: 4)).OptimizeAsync(Classifier(DemoAwareClient()), trainset);

        var demos = first.OptimizedModule.DemoManager.Demos;
        Assert.Equal(8, demos.Count);
        Assert.All(demos, d => Assert.Equal("labeled", d.Source));
        Assert.Equal(8, demos.Select(d => d.Metadata["example_index"]!.GetValue<int>()).Distinct().Count());
        Assert.Equal(demos.Select(d => d.Inputs["email"]!.ToJsonString()), second.OptimizedModule.DemoManager.Demos.Select(d => d.Inputs["email"]!.ToJsonString()));
        Assert.NotEqual(demos.Select(d => d.Inputs["email"]!.ToJsonString()), other.OptimizedModule.DemoManager.Demos.Select(d => d.Inputs["email"]!.ToJsonString()));
        Assert.Equal(0, first.BaselineScore);
        Assert.True(first.BestScore > 0.5);
        Assert.Equal(first.BestScore - first.BaselineScore, first.Improvement);
    }

    [Fact]
    public async Task k_larger_than_the_dataset_takes_every_example()
    {
        var result = await new LabeledFewShot(new AccuracyMetric("category"), k: 50).OptimizeAsync(Classifier(DemoAwareClient()), Emails(6));

        Assert.Equal(6, result.OptimizedModule.DemoManager.Demos.Count);
        Assert.Equal(1, result.BestScore);
    }
}
