using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Optimizers;
using LogiLlm.Tests.Shared;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using static LogiLlm.Core.Tests.Optimizers.OptimizerTestKit;

namespace LogiLlm.Core.Tests.Optimizers;

public sealed class OptimizerLifecycleTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("logillm-optimizers-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static HybridOptimizer Hybrid(int seed, int concurrency) =>
        new(new AccuracyMetric("category"), HybridStrategy.Alternating, new ParameterSpace { { "temperature", 0.0, 1.0 }, { "top_p", 0.8, 1.0 } },
            trials: 8, maxBootstrappedDemos: 3, maxLabeledDemos: 6, options: Options(seed, concurrency));

    private static string DemoText(Module module) =>
        string.Join("\n", module.DemoManager.Demos.Select(d => $"{d.Source}|{d.Score:R}|{Example.ToJsonObject(d.Inputs).ToJsonString()}|{Example.ToJsonObject(d.Outputs).ToJsonString()}"));

    [Fact]
    public async Task The_same_seed_gives_the_same_history_and_module_whatever_the_concurrency()
    {
        var trainset = Emails(16);
        Func<LogiLlm.Providers.ScriptedChatClient> client = () => DemoAwareClient(r => TemperatureIn(r, 0.2f, 0.4f));

        var first = await Hybrid(11, 1).OptimizeAsync(Classifier(client()), trainset);
        var second = await Hybrid(11, 6).OptimizeAsync(Classifier(client()), trainset);
        var otherSeed = await Hybrid(12, 6).OptimizeAsync(Classifier(client()), trainset);

        Assert.Equal(Describe(first.History), Describe(second.History));
        Assert.Equal(DemoText(first.OptimizedModule), DemoText(second.OptimizedModule));
        Assert.Equal(first.OptimizedModule.Config.ToJsonObject().ToJsonString(), second.OptimizedModule.Config.ToJsonObject().ToJsonString());
        Assert.Equal(first.BestConfig.ToJsonString(), second.BestConfig.ToJsonString());
        Assert.NotEqual(Describe(first.History), Describe(otherSeed.History));
    }

    [Fact]
    public async Task Bootstrap_results_do_not_depend_on_completion_order()
    {
        var trainset = Emails(24);
        // Replies take longer for earlier examples, so with 8 in flight they complete out of order.
        LogiLlm.Providers.ScriptedChatClient SlowFirst() => new LogiLlm.Providers.ScriptedChatClient().When(_ => true, r =>
        {
            Thread.Sleep(r.LastUserText.Contains("Message 1", StringComparison.Ordinal) ? 15 : 1);
            var label = LabelOf(r.LastUserText);
            return HasDemoFor(r, label) ? label : "unknown";
        });

        var sequential = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 5, maxLabeledDemos: 8, options: Options(5, 1)).OptimizeAsync(Classifier(SlowFirst()), trainset);
        var parallel = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 5, maxLabeledDemos: 8, options: Options(5, 8)).OptimizeAsync(Classifier(SlowFirst()), trainset);

        Assert.Equal(DemoText(sequential.OptimizedModule), DemoText(parallel.OptimizedModule));
        Assert.Equal(Describe(sequential.History), Describe(parallel.History));
    }

    [Fact]
    public async Task Cancellation_stops_promptly_and_leaves_the_input_module_untouched()
    {
        var trainset = Emails(20);
        var full = TemperatureBandClient(0.2f, 0.4f);
        await new HyperparameterOptimizer(new AccuracyMetric("category"), trials: 20, options: Options()).OptimizeAsync(Classifier(full), trainset);
        var fullCalls = full.Requests.Count;

        using var cts = new CancellationTokenSource();
        var calls = 0;
        var client = new LogiLlm.Providers.ScriptedChatClient().When(_ => true, r =>
        {
            if (Interlocked.Increment(ref calls) == 30)
            {
                cts.Cancel();
            }

            return LabelOf(r.LastUserText);
        });
        var classifier = Classifier(client);
        classifier.Config.Temperature = 0.9;
        classifier.DemoManager.Add(Demo.Create(new { email = "manual" }, new { category = "feedback" }));
        classifier.Metadata["owner"] = "team-a";
        var before = ModuleSaver.SaveToString(classifier);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new HyperparameterOptimizer(new AccuracyMetric("category"), trials: 20, options: Options()).OptimizeAsync(classifier, trainset, cancellationToken: cts.Token));

        Assert.True(client.Requests.Count < fullCalls / 5, $"{client.Requests.Count} calls after cancelling, of {fullCalls} for a full run");
        Assert.Equal(Strip(before), Strip(ModuleSaver.SaveToString(classifier)));
        Assert.Equal(ModuleState.Initialized, classifier.State);
        Assert.Equal(0.9, classifier.Config.Temperature);
        Assert.Single(classifier.DemoManager.Demos);
        Assert.False(classifier.Metadata.ContainsKey(Optimizer.LineageKey));
    }

    [Fact]
    public async Task Cancellation_reaches_the_calls_in_flight()
    {
        using var cts = new CancellationTokenSource();
        var started = 0;
        var client = new DelegateChatClient(async (_, _, ct) =>
        {
            if (Interlocked.Increment(ref started) == 4)
            {
                cts.Cancel();
            }

            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return "never";
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new BootstrapFewShot(new AccuracyMetric("category"), options: Options(concurrency: 4)).OptimizeAsync(Classifier(client), Emails(50), cancellationToken: cts.Token));

        Assert.Equal(4, client.Calls);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the in-flight calls were not cancelled");
    }

    [Fact]
    public async Task A_successful_run_leaves_the_input_module_untouched_too()
    {
        var classifier = Classifier(DemoAwareClient());
        var before = ModuleSaver.SaveToString(classifier);

        var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 3, options: Options()).OptimizeAsync(classifier, Emails(12));

        Assert.Equal(Strip(before), Strip(ModuleSaver.SaveToString(classifier)));
        Assert.Empty(classifier.DemoManager.Demos);
        Assert.NotEmpty(result.OptimizedModule.DemoManager.Demos);
    }

    [Fact]
    public async Task The_optimized_module_records_its_lineage_and_progress_is_reported()
    {
        var trainset = Emails(12);
        var valset = Emails(8, offset: 100);
        var progress = new Recorder<OptimizationProgress>();
        var options = Options();
        options.Progress = progress;

        var result = await new HyperparameterOptimizer(new AccuracyMetric("category"), trials: 6, options: options)
            .OptimizeAsync(Classifier(TemperatureBandClient(0.2f, 0.4f)), trainset, new ParameterSpace { { "temperature", 0.0, 1.0 } }, valset);

        var lineage = result.OptimizedModule.Metadata[Optimizer.LineageKey]!.AsObject();
        Assert.Equal("HyperparameterOptimizer", lineage["optimizer"]!.GetValue<string>());
        Assert.Equal("accuracy(category)", lineage["metric"]!.GetValue<string>());
        Assert.Equal(result.BaselineScore, lineage["baseline_score"]!.GetValue<double>());
        Assert.Equal(result.BestScore, lineage["best_score"]!.GetValue<double>());
        Assert.Equal(result.Improvement, lineage["improvement"]!.GetValue<double>());
        Assert.Equal(12, lineage["dataset_size"]!.GetValue<int>());
        Assert.Equal(Dataset.ComputeDigest(trainset), lineage["dataset_digest"]!.GetValue<string>());
        Assert.Equal(8, lineage["valset_size"]!.GetValue<int>());
        Assert.Equal(7, lineage["seed"]!.GetValue<int>());
        Assert.True(lineage["duration_seconds"]!.GetValue<double>() >= 0);
        Assert.True(DateTimeOffset.TryParse(lineage["finished_at"]!.GetValue<string>(), out _));
        Assert.Equal(6, lineage["settings"]!["trials"]!.GetValue<int>());
        Assert.True(JsonNode.DeepEquals(result.Metadata["best_config"], lineage["best_config"]));
        Assert.Equal(ModuleState.Optimized, result.OptimizedModule.State);

        // Scored on the valset: every trial evaluated the 8 validation examples.
        var reports = progress.Items;
        Assert.Equal(result.History.Count, reports.Count);
        Assert.Equal(Enumerable.Range(1, reports.Count), reports.Select(r => r.Completed));
        Assert.All(reports, r => Assert.Equal(7, r.Total));
        Assert.Equal(result.BestScore, reports[^1].BestScore);
    }

    [Fact]
    public async Task Optimizing_an_optimized_module_keeps_the_previous_lineage()
    {
        var trainset = Emails(8);
        var first = await new LabeledFewShot(new AccuracyMetric("category"), k: 4, Options()).OptimizeAsync(Classifier(DemoAwareClient()), trainset);
        var second = await new HyperparameterOptimizer(new AccuracyMetric("category"), trials: 2, options: Options()).OptimizeAsync(first.OptimizedModule, trainset);

        var lineage = second.OptimizedModule.Metadata[Optimizer.LineageKey]!;
        Assert.Equal("HyperparameterOptimizer", lineage["optimizer"]!.GetValue<string>());
        Assert.Equal("LabeledFewShot", lineage["previous"]!["optimizer"]!.GetValue<string>());
    }

    [Fact]
    public async Task Optimize_save_load_gives_identical_predictions_and_the_file_says_how_it_was_made()
    {
        var client = DemoAwareClient(r => TemperatureIn(r, 0.2f, 0.4f));
        var classifier = Classifier(client);
        var trainset = Emails(16);
        var devset = Emails(12, offset: 200);
        var result = await new HybridOptimizer(new AccuracyMetric("category"), HybridStrategy.Alternating, new ParameterSpace { { "temperature", 0.0, 1.0 } },
                trials: 10, maxBootstrappedDemos: 4, maxLabeledDemos: 8, options: Options())
            .OptimizeAsync(classifier, trainset, valset: devset);
        var path = Path.Combine(_directory, "email_classifier.json");

        result.OptimizedModule.Save(path);
        var loaded = Predict.Load(path);
        loaded.Provider = new Provider("scripted", "scripted-model", client);

        Assert.Equal(1, result.BestScore);
        foreach (var example in devset)
        {
            var expected = await result.OptimizedModule.InvokeAsync(example.InputValues());
            var actual = await loaded.InvokeAsync(example.InputValues());
            Assert.Equal(expected.Outputs["category"], actual.Outputs["category"]);
            Assert.Equal(example.OutputValues()["category"], actual.Outputs["category"]);
        }

        Assert.Equal(ModuleState.Optimized, loaded.State);
        Assert.Equal(result.OptimizedModule.Config.Temperature, loaded.Config.Temperature);
        Assert.Equal(DemoText(result.OptimizedModule), DemoText(loaded));
        var lineage = loaded.Metadata[Optimizer.LineageKey]!;
        Assert.Equal("HybridOptimizer", lineage["optimizer"]!.GetValue<string>());
        Assert.Equal(Dataset.ComputeDigest(trainset), lineage["dataset_digest"]!.GetValue<string>());
        Assert.Equal(Dataset.ComputeDigest(devset), lineage["valset_digest"]!.GetValue<string>());
        Assert.Equal(1, lineage["best_score"]!.GetValue<double>());
        Assert.Equal("alternating", lineage["settings"]!["strategy"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(result.Metadata["best_config"], lineage["best_config"]));
    }

    [Fact]
    public async Task OptimizeAsync_rejects_an_empty_dataset()
    {
        var optimizer = new BootstrapFewShot(new AccuracyMetric("category"));
        await Assert.ThrowsAsync<ArgumentException>(() => optimizer.OptimizeAsync(Classifier(DemoAwareClient()), []));
        await Assert.ThrowsAsync<ArgumentException>(() => optimizer.OptimizeAsync(Classifier(DemoAwareClient()), Emails(2), valset: []));
    }

    /// <summary>The saved document without its volatile keys (save time, digest).</summary>
    private static string Strip(string document)
    {
        var json = JsonNode.Parse(document)!.AsObject();
        json.Remove("save_timestamp");
        json.Remove("integrity");
        return json.ToJsonString();
    }
}
