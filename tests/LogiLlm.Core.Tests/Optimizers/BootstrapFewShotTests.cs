using LogiLlm.Demos;
using LogiLlm.Optimizers;
using static LogiLlm.Core.Tests.Optimizers.OptimizerTestKit;

namespace LogiLlm.Core.Tests.Optimizers;

public class BootstrapFewShotTests
{
    [Fact]
    public async Task Bootstrapped_demos_make_the_answers_right_and_raise_the_score_over_the_baseline()
    {
        var client = DemoAwareClient();
        var classifier = Classifier(client);
        var trainset = Emails(24);

        var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 5, options: Options(), maxExamples: 5)
            .OptimizeAsync(classifier, trainset);

        Assert.Equal(0, result.BaselineScore);
        Assert.Equal(1, result.BestScore);
        Assert.Equal(1, result.Improvement);
        var optimized = result.GetModule<Predict>();
        Assert.NotSame(classifier, optimized);
        Assert.Equal(ModuleState.Optimized, optimized.State);
        var bootstrapped = optimized.DemoManager.Demos.Where(d => d.Source == "bootstrap").ToArray();
        Assert.Equal(5, bootstrapped.Length);
        Assert.All(bootstrapped, d =>
        {
            Assert.Equal(1.0, d.Score);
            Assert.Equal(LabelOf((string)d.InputValues()["email"]!), d.OutputValues()["category"]);
        });
        Assert.Equal(5, optimized.DemoManager.Demos.Count);
        Assert.Equal(5, optimized.DemoManager.MaxDemos);
        Assert.Equal(["baseline", "bootstrap"], result.History.Select(t => t.Phase));
        Assert.Equal(5, result.BestConfig["bootstrapped"]!.GetValue<int>());
        Assert.Equal(0, result.BestConfig["labeled"]!.GetValue<int>());
    }

    [Fact]
    public async Task maxExamples_caps_the_demos_the_saved_result_holds()
    {
        var client = DemoAwareClient();
        var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxExamples: 5, options: Options())
            .OptimizeAsync(Classifier(client), Emails(6));

        var saved = System.Text.Json.Nodes.JsonNode.Parse(LogiLlm.Persistence.ModuleSaver.SaveToString(result.OptimizedModule))!;
        Assert.Equal(5, saved["demo_manager"]!["demos"]!.AsArray().Count);
        Assert.Equal(5, saved["demo_manager"]!["max_demos"]!.GetValue<int>());
    }

    [Fact]
    public async Task Defaults_are_DSPys_four_bootstrapped_demos_filled_with_labeled_rows_to_sixteen()
    {
        var client = DemoAwareClient();
        var optimizer = new BootstrapFewShot(new AccuracyMetric("category"), options: Options());
        var result = await optimizer.OptimizeAsync(Classifier(client), Emails(24));

        Assert.Equal((4, 16, 16), (optimizer.MaxBootstrappedDemos, optimizer.MaxLabeledDemos, optimizer.MaxDemos));
        Assert.Equal(16, result.OptimizedModule.DemoManager.Demos.Count);
        Assert.Equal(4, result.OptimizedModule.DemoManager.Demos.Count(d => d.Source == "bootstrap"));
        Assert.Equal(12, result.OptimizedModule.DemoManager.Demos.Count(d => d.Source == "labeled"));
        var settings = result.Metadata["settings"]!;
        Assert.Equal((4, 16, 16), (settings["max_bootstrapped_demos"]!.GetValue<int>(), settings["max_labeled_demos"]!.GetValue<int>(), settings["max_demos"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_cap_of_maxExamples_keeps_the_bootstrapped_demos_first_and_fills_the_rest_with_labeled_rows()
    {
        var client = DemoAwareClient();
        var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 5, maxLabeledDemos: 16, options: Options(), maxExamples: 8)
            .OptimizeAsync(Classifier(client), Emails(24));

        Assert.Equal(8, result.OptimizedModule.DemoManager.Demos.Count);
        Assert.Equal(5, result.OptimizedModule.DemoManager.Demos.Count(d => d.Source == "bootstrap"));
    }

    [Fact]
    public async Task A_cap_below_the_bootstrapped_count_also_caps_the_bootstrapped_demos()
    {
        var client = DemoAwareClient();
        var optimizer = new BootstrapFewShot(new AccuracyMetric("category"), options: Options(), maxExamples: 3);
        var result = await optimizer.OptimizeAsync(Classifier(client), Emails(24));

        Assert.Equal(3, optimizer.MaxBootstrappedDemos);
        Assert.Equal(3, result.OptimizedModule.DemoManager.Demos.Count);
        Assert.All(result.OptimizedModule.DemoManager.Demos, d => Assert.Equal("bootstrap", d.Source));
    }

    [Fact]
    public async Task A_given_teacher_answers_the_training_set_and_only_its_passing_traces_become_demos()
    {
        var client = DemoAwareClient();
        var teacher = Classifier(client);
        foreach (var (label, keyword) in Labels)
        {
            teacher.DemoManager.Add(Demo.Create(new { email = $"teacher note on {keyword}" }, new { category = label }));
        }

        var trainset = Emails(20).Select((e, i) => i == 1
            ? Example.Create(new { email = "Message 1: no keyword at all" }, new { category = "order_status" })
            : e).ToArray();

        var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 4, maxLabeledDemos: 0, teacher: teacher, options: Options())
            .OptimizeAsync(Classifier(client), trainset);

        var demos = result.OptimizedModule.DemoManager.Demos;
        Assert.Equal(4, demos.Count);
        Assert.All(demos, d => Assert.Equal("bootstrap", d.Source));
        // Example 1 fails the metric (the teacher answers "unknown"), so the first four passing examples are 0, 2, 3, 4.
        Assert.Equal([0, 2, 3, 4], demos.Select(d => d.Metadata["example_index"]!.GetValue<int>()));
        Assert.Equal(0, result.BaselineScore);
        // Those demos show no order_status answer, so the five order_status examples stay wrong.
        Assert.Equal(0.75, result.BestScore, 6);
    }

    [Fact]
    public async Task Bootstrapping_stops_calling_the_teacher_once_enough_demos_passed()
    {
        var client = DemoAwareClient();
        var teacher = Classifier(client);
        foreach (var (label, keyword) in Labels)
        {
            teacher.DemoManager.Add(Demo.Create(new { email = $"teacher note on {keyword}" }, new { category = label }));
        }

        var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 2, maxLabeledDemos: 0, teacher: teacher, options: Options(concurrency: 1), compareWithLabeled: false)
            .OptimizeAsync(Classifier(client), Emails(40));

        // 40 baseline calls + 2 teacher calls + 40 final calls.
        Assert.Equal(82, client.Requests.Count);
        Assert.Equal(2, result.OptimizedModule.DemoManager.Demos.Count);
    }

    [Fact]
    public async Task Later_rounds_retry_failed_examples_at_temperature_one()
    {
        var client = DemoAwareClient(r => r.Options?.Temperature == 1.0f);
        var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 3, maxLabeledDemos: 8, maxRounds: 2, options: Options())
            .OptimizeAsync(Classifier(client), Emails(12));

        var bootstrapped = result.OptimizedModule.DemoManager.Demos.Where(d => d.Source == "bootstrap").ToArray();
        Assert.Equal(3, bootstrapped.Length);
        Assert.All(bootstrapped, d => Assert.Equal(1, d.Metadata["round"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Without_passing_traces_only_labeled_demos_are_used_up_to_maxLabeledDemos()
    {
        var client = new LogiLlm.Providers.ScriptedChatClient().Otherwise("unknown");
        var result = await new BootstrapFewShot(new AccuracyMetric("category"), maxBootstrappedDemos: 4, maxLabeledDemos: 6, options: Options())
            .OptimizeAsync(Classifier(client), Emails(10));

        // DSPy: the labelled sample is max_labeled_demos minus the bootstrapped ones (none here).
        Assert.Equal(6, result.OptimizedModule.DemoManager.Demos.Count);
        Assert.All(result.OptimizedModule.DemoManager.Demos, d => Assert.Equal("labeled", d.Source));
        Assert.Equal(0, result.Improvement);
    }

    [Fact]
    public void Constructor_rejects_bad_settings()
    {
        var metric = new AccuracyMetric("category");
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShot(metric, maxExamples: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShot(metric, maxBootstrappedDemos: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShot(metric, maxRounds: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BootstrapFewShot(metric, metricThreshold: 1.5));
    }
}
