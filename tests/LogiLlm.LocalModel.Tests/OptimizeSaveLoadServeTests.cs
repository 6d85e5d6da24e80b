using LogiLlm.Optimizers;
using LogiLlm.Persistence;
using Xunit.Abstractions;

namespace LogiLlm.LocalModel.Tests;

/// <summary>The product loop on the offline model: optimize -> save -> load -> serve.</summary>
[Collection(LocalModelCollection.Name)]
public class OptimizeSaveLoadServeTests(LocalModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task LabeledFewShot_on_the_emails_sample_improves_dev_accuracy_and_the_saved_module_serves_the_same_answers()
    {
        var emails = SampleDatasets.Get("emails");
        var train = Dataset.ParseJsonl(emails.TrainJsonl);
        var dev = Dataset.ParseJsonl(emails.DevJsonl);
        var classifier = fixture.NewClassifier();
        classifier.DemoManager.MaxDemos = train.Count;

        var result = await new LabeledFewShot(new AccuracyMetric("category"), k: train.Count)
            .OptimizeAsync(classifier, train, valset: dev);

        output.WriteLine($"LabeledFewShot(k={train.Count}) on emails, scored on dev: {result}");
        Assert.True(result.BestScore >= 0.75, result.ToString());
        Assert.True(result.Improvement >= 0.15, result.ToString());

        var path = Path.Combine(Path.GetTempPath(), $"local-emails-{Guid.NewGuid():N}.json");
        try
        {
            result.OptimizedModule.Save(path);
            var loaded = Predict.Load(path, new LoadOptions { SetupProvider = true, Providers = fixture.Registry });

            Assert.Equal("local", loaded.Provider?.Name);
            foreach (var example in dev.Take(6))
            {
                var expected = await result.OptimizedModule.InvokeAsync(example.InputValues());
                var served = await loaded.InvokeAsync(example.InputValues());
                Assert.Equal(expected.Outputs["category"], served.Outputs["category"]);
                Assert.Equal("local-minilm-knn", served.ModelId);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
