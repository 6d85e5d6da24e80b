namespace LogiLlm.Cli.Tests;

/// <summary>Bad usage and bad input: exit code 2 and one line on stderr, never a stack trace; nothing half-written.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData(new[] { "train", "--bogus" }, "--bogus")]
    [InlineData(new[] { "frobnicate" }, "frobnicate")]
    [InlineData(new string[0], "command")]
    [InlineData(new[] { "train", "--data", "x.jsonl", "--out", "m.json" }, "--signature")]
    [InlineData(new[] { "train", "-s", "a -> b", "--data", "x.jsonl", "--out", "m.json", "--optimizer", "magic" }, "magic")]
    [InlineData(new[] { "eval" }, "required")]
    public async Task Bad_usage_exits_2_with_one_line(string[] args, string mentions)
    {
        var run = await CliRunner.RunAsync(args);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, mentions);
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("eval")]
    [InlineData("predict")]
    [InlineData("migrate")]
    public async Task A_missing_module_file_exits_2_with_one_line(string command)
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync([command, folder.File("missing.json"), .. ExtraArguments(command)]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "does not exist");
    }

    [Theory]
    [InlineData("inspect", "{ \"module_type\": \"Predict\", ")]
    [InlineData("eval", "not json at all")]
    [InlineData("predict", "{\"module_type\": \"os.system\", \"signature\": {}}")]
    [InlineData("migrate", "[1, 2, 3]")]
    public async Task A_corrupt_module_file_exits_2_with_one_line_and_is_left_as_it_was(string command, string content)
    {
        using var folder = new TempFolder();
        var path = folder.File("corrupt.json");
        await File.WriteAllTextAsync(path, content);
        var run = await CliRunner.RunAsync([command, path, .. ExtraArguments(command)]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "corrupt.json");
        Assert.Equal(content, await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }

    private static string[] ExtraArguments(string command) => command switch
    {
        "eval" => ["--data", Emails.Dev],
        "predict" => ["--input", "email=hi"],
        _ => [],
    };

    [Fact]
    public async Task A_signature_that_does_not_parse_exits_2()
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(["train", "-s", "email str category", "--data", Emails.Dev, "--out", folder.File("m.json")]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "--signature");
        Assert.False(File.Exists(folder.File("m.json")));
    }

    [Fact]
    public async Task A_dataset_with_a_bad_line_exits_2_naming_the_line()
    {
        using var folder = new TempFolder();
        var data = folder.File("train.jsonl");
        await File.WriteAllLinesAsync(data, ["{\"inputs\": {\"email\": \"hi\"}, \"outputs\": {\"category\": \"feedback\"}}", "{\"inputs\": oops"]);
        var run = await CliRunner.RunAsync(["train", "-s", Emails.Signature, "--data", data, "--provider", "mock", "--out", folder.File("m.json")]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "line 2");
        Assert.False(File.Exists(folder.File("m.json")));
    }

    [Fact]
    public async Task A_dataset_that_does_not_fit_the_signature_exits_2_naming_the_field()
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(["train", "-s", "question: str -> category: str", "--data", Emails.Dev, "--provider", "mock", "--out", folder.File("m.json")]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "no input 'question'");
    }

    [Fact]
    public async Task A_metric_on_a_field_the_signature_lacks_exits_2()
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(["train", "-s", Emails.Signature, "--data", Emails.Dev, "--metric", "accuracy:label", "--provider", "mock", "--out", folder.File("m.json")]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "'label' is not an output field");
    }

    [Fact]
    public async Task An_unknown_provider_exits_2()
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(["train", "-s", Emails.Signature, "--data", Emails.Dev, "--provider", "skynet", "--out", folder.File("m.json")]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "skynet");
    }

    [Fact]
    public async Task Training_under_min_score_exits_1_and_writes_nothing()
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(
            ["train", "-s", Emails.Signature, "--data", Emails.Dev, "--optimizer", "labeled-few-shot", "--max-demos", "1", "--provider", "mock",
             "--min-score", "1.01", "--out", folder.File("models/m.json"), "--quiet"]);
        CliRunner.AssertOneLineError(run, ExitCodes.Failed, "under --min-score 1.01");
        Assert.False(File.Exists(folder.File("models/m.json")));
    }

    [Fact]
    public async Task Ctrl_C_during_training_cancels_cleanly_and_writes_nothing()
    {
        using var folder = new TempFolder();
        using var cts = new CancellationTokenSource();
        // Ctrl+C arrives while the optimizer reports its first trial (of 500): the token is what SIGINT cancels in the process.
        var error = new CancelOnLineWriter("train: ", cts);
        var run = await CliRunner.RunAsync(
            ["train", "-s", Emails.Signature, "--data", Emails.Dev, "--optimizer", "hyperparameter", "--trials", "500", "--provider", "mock",
             "--out", folder.File("models/m.json")],
            error: error,
            cancellationToken: cts.Token);
        Assert.True(error.Cancelled, run.ToString());
        Assert.Equal(ExitCodes.Cancelled, run.ExitCode);
        Assert.Equal("logillm: cancelled; nothing was written.", run.ErrorLines[^1]);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.False(Directory.Exists(folder.File("models")) && Directory.EnumerateFileSystemEntries(folder.File("models")).Any());
    }

    /// <summary>Cancels when a line starting with a prefix is written (the first progress line).</summary>
    private sealed class CancelOnLineWriter(string prefix, CancellationTokenSource cts) : StringWriter
    {
        public bool Cancelled { get; private set; }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (!Cancelled && value?.StartsWith(prefix, StringComparison.Ordinal) == true)
            {
                Cancelled = true;
                cts.Cancel();
            }
        }
    }
}
