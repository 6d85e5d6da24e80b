using LogiLlm.Optimizers;
using Xunit.Abstractions;

namespace LogiLlm.LocalModel.Tests;

/// <summary>
/// Few demos go further, and the optimizers' results on the production signature (measurements printed for the
/// record; the assertions are floors well below them, on fixed data and a deterministic model).
/// </summary>
[Collection(LocalModelCollection.Name)]
public class SampleEfficiencyTests(LocalModelFixture fixture, ITestOutputHelper output)
{
    private const string Production = "email: str -> category: str, confidence: float";

    [Fact]
    public async Task Few_demos_of_a_str_signature_score_well_on_unseen_emails_with_either_network()
    {
        var emails = SampleDatasets.Get("emails");
        var train = Dataset.ParseJsonl(emails.TrainJsonl);
        var dev = Dataset.ParseJsonl(emails.DevJsonl);
        var accuracy = new Dictionary<(string, int), double>();
        foreach (var model in LocalModelProvider.ModelIds)
        {
            var provider = LocalModelProvider.Create(model, new Providers.ProviderOptions());
            foreach (var demos in new[] { 8, 16, 24, 72 })
            {
                // LabeledFewShot's own seeded draw, so these are the demos a user gets.
                var module = new Predict("email: str -> category: str") { Provider = provider };
                var result = await new LabeledFewShot(new AccuracyMetric("category"), k: demos).OptimizeAsync(module, train, valset: dev);
                accuracy[(model, demos)] = result.BestScore;
                output.WriteLine($"{model}: {demos} demos -> dev accuracy {result.BestScore:0.000}");
            }
        }

        // Before this classifier (plain centroid, MiniLM): 16 demos 0.57, 24 demos 0.70, 72 demos 0.78.
        Assert.True(accuracy[(LocalModelProvider.DefaultModelId, 16)] >= 0.6, $"16 demos: {accuracy[(LocalModelProvider.DefaultModelId, 16)]:0.000}");
        Assert.True(accuracy[(LocalModelProvider.DefaultModelId, 72)] >= 0.8, $"72 demos: {accuracy[(LocalModelProvider.DefaultModelId, 72)]:0.000}");
        Assert.True(accuracy[(LocalModelProvider.ArcticModelId, 72)] >= 0.75, $"arctic, 72 demos: {accuracy[(LocalModelProvider.ArcticModelId, 72)]:0.000}");
    }

    [Fact]
    public async Task Production_signature_optimizers_on_the_emails_sample_and_bootstrap_reports_the_labeled_comparison()
    {
        var emails = SampleDatasets.Get("emails");
        var train = Dataset.ParseJsonl(emails.TrainJsonl);
        var dev = Dataset.ParseJsonl(emails.DevJsonl);
        var metric = new AccuracyMetric("category");
        var module = new Predict(Production) { Provider = fixture.Provider };

        var labeled = await new LabeledFewShot(metric, k: train.Count).OptimizeAsync(module, train, valset: dev);
        // DSPy's defaults, in code as in the trainer: 4 bootstrapped, labelled up to 16 in all.
        var bootstrap = await new BootstrapFewShot(metric).OptimizeAsync(module, train, valset: dev);

        output.WriteLine($"production signature on emails/dev: zero-shot {labeled.BaselineScore:0.000}, LabeledFewShot(all {train.Count}) {labeled.BestScore:0.000}, "
            + $"BootstrapFewShot() ({bootstrap.OptimizedModule.DemoManager.Demos.Count} demos) {bootstrap.BestScore:0.000}; comparison {bootstrap.Comparison}");
        Assert.Equal(16, bootstrap.OptimizedModule.DemoManager.Demos.Count);
        Assert.Equal(0, labeled.BaselineScore); // a str output with no demos and no listed labels: no answer, not a guess
        Assert.True(labeled.BestScore >= 0.8, labeled.ToString());
        Assert.True(bootstrap.BestScore >= 0.55, bootstrap.ToString());
        var comparison = Assert.IsType<OptimizationComparison>(bootstrap.Comparison);
        Assert.Equal(nameof(LabeledFewShot), comparison.Optimizer);
        Assert.Equal(train.Count, comparison.Demos);
        Assert.Equal(labeled.BestScore, comparison.Score, 6);
        Assert.Equal(bootstrap.BestScore - labeled.BestScore, comparison.Difference, 6);
        Assert.Equal(comparison.Score, bootstrap.Metadata["comparison"]!["score"]!.GetValue<double>(), 6);
    }
}
