using System.Text.Json.Nodes;
using LogiLlm.Persistence;

namespace LogiLlm.Cli.Tests;

/// <summary>train -> eval -> inspect -> predict in process, on the emails data with the offline local model.</summary>
[Collection(TrainedModelCollection.Name)]
public sealed class CommandTests(TrainedModelFixture trained)
{
    private static readonly string[] Labels = ["billing_issue", "cancellation", "feedback", "order_status", "refund_request", "technical_support"];

    [Fact]
    public void Train_saves_an_optimized_module_that_beats_its_baseline()
    {
        Assert.True(trained.Training.ExitCode == 0, trained.Training.ToString());
        var json = trained.TrainingJson;
        Assert.True((bool)json["written"]!);
        Assert.True((double)json["bestScore"]! > (double)json["baselineScore"]!, json.ToJsonString());
        Assert.Equal(2, (int)json["trials"]!);
        var loaded = ModuleLoader.LoadWithReport(trained.ModelPath, new LoadOptions { RequireDigest = true });
        Assert.Equal(ModuleState.Optimized, loaded.Module.State);
        Assert.Equal(72, loaded.Module.DemoManager.Demos.Count);
        Assert.Equal("LabeledFewShot", (string?)loaded.Module.Metadata["optimization"]!["optimizer"]);
        // Progress went to stderr, one line per trial, because stdout is not a terminal here.
        Assert.Contains(trained.Training.ErrorLines, l => l.StartsWith("train: baseline 1/2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Train_prints_a_table_of_baseline_best_improvement_and_time()
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(
            ["train", "-s", Emails.Signature, "--data", Emails.Dev, "--optimizer", "labeled-few-shot", "--provider", "mock", "--out", folder.File("m.json")]);
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var row in new[] { "baseline", "best", "improvement", "trials", "time" })
        {
            Assert.Contains(row, run.Out);
        }

        Assert.Contains("Saved", run.Out);
        Assert.True(File.Exists(folder.File("m.json")));
    }

    [Fact]
    public async Task Eval_reproduces_the_training_score_with_a_per_label_table_and_the_worst_examples()
    {
        var json = await JsonAsync(["eval", trained.ModelPath, "--data", Emails.Dev, "--worst", "3", "--json"]);
        Assert.Equal((double)trained.TrainingJson["bestScore"]!, (double)json["score"]!, 9);
        Assert.Equal(36, (int)json["count"]!);
        var labels = json["labels"]!.AsArray();
        Assert.Equal(Labels, labels.Select(l => (string)l!["label"]!).ToArray());
        Assert.All(labels, l => Assert.Equal(6, (int)l!["count"]!));
        var wrong = 36 - labels.Sum(l => (int)l!["correct"]!);
        Assert.Equal(Math.Min(3, wrong), json["worst"]!.AsArray().Count);
        Assert.All(json["worst"]!.AsArray(), w => Assert.Equal(0, (double)w!["score"]!));

        var human = await CliRunner.RunAsync(["eval", trained.ModelPath, "--data", Emails.Dev]);
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("accuracy(category) =", human.Out);
        Assert.Contains("most confused with", human.Out);
        Assert.Contains("worst examples", human.Out);
        Assert.All(Labels, label => Assert.Contains(label, human.Out));
    }

    [Fact]
    public async Task Eval_under_min_score_exits_1_with_one_line()
    {
        var run = await CliRunner.RunAsync(["eval", trained.ModelPath, "--data", Emails.Dev, "--min-score", "0.99", "--quiet"]);
        CliRunner.AssertOneLineError(run, ExitCodes.Failed, "under --min-score 0.99");
        Assert.Equal(string.Empty, run.Out);
    }

    [Fact]
    public async Task Inspect_reports_type_signature_demos_provider_lineage_and_digest_as_json()
    {
        var json = await JsonAsync(["inspect", trained.ModelPath, "--json"]);
        Assert.Equal("Predict", (string?)json["moduleType"]);
        Assert.Equal("optimized", (string?)json["state"]);
        Assert.Equal(Emails.Signature, (string?)json["signature"]);
        Assert.Equal(72, (int)json["demos"]!["count"]!);
        Assert.Equal("local", (string?)json["provider"]!["name"]);
        Assert.Equal("LabeledFewShot", (string?)json["lineage"]!["optimizer"]);
        Assert.Equal("verified", (string?)json["digest"]);
        Assert.Empty(json["warnings"]!.AsArray());

        var human = await CliRunner.RunAsync(["inspect", trained.ModelPath]);
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("LabeledFewShot on 72 examples", human.Out);
        Assert.Contains("verified", human.Out);
    }

    [Fact]
    public async Task Predict_prints_the_outputs_token_usage_and_latency()
    {
        var json = await JsonAsync(["predict", trained.ModelPath, "--input", "email=I was charged twice for my subscription this month", "--json"]);
        Assert.Contains((string?)json["outputs"]!["category"], Labels);
        Assert.True((long)json["usage"]!["inputTokens"]! > 0);
        Assert.True((double)json["latencyMs"]! >= 0);
        Assert.Equal("local", (string?)json["provider"]);

        var human = await CliRunner.RunAsync(["predict", trained.ModelPath, "-i", "email=Where is my parcel?"]);
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.Contains("category", human.Out);
        Assert.Contains("latency", human.Out);
    }

    [Fact]
    public async Task Predict_reads_a_json_object_of_inputs_from_stdin()
    {
        const string email = "Please cancel my plan, the price went up again";
        var fromOption = await JsonAsync(["predict", trained.ModelPath, "--input", $"email={email}", "--json"]);
        var fromStdin = await JsonAsync(["predict", trained.ModelPath, "--json"], stdin: new JsonObject { ["inputs"] = new JsonObject { ["email"] = email } }.ToJsonString());
        Assert.Equal((string?)fromOption["outputs"]!["category"], (string?)fromStdin["outputs"]!["category"]);
    }

    [Fact]
    public async Task Predict_without_a_required_input_exits_2_naming_the_field()
    {
        var run = await CliRunner.RunAsync(["predict", trained.ModelPath, "--input", "subject=hello"]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "email");
    }

    private static async Task<JsonObject> JsonAsync(string[] args, string? stdin = null)
    {
        var run = await CliRunner.RunAsync(args, stdin);
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonNode.Parse(run.Out)!.AsObject();
    }
}
