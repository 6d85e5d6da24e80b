using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace LogiLlm.Cli.Tests;

/// <summary>The built tool as a real process (<c>dotnet logillm.dll</c>): the workflow, exit codes, and SIGINT.</summary>
public sealed class RealProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Train_eval_inspect_predict_offline_through_the_real_process()
    {
        using var folder = new TempFolder();
        var model = folder.File("models/email_classifier.json");
        var train = await RunAsync(["train", "--signature", Emails.Signature, "--data", Emails.Train, "--valset", Emails.Dev,
            "--optimizer", "labeled-few-shot", "--max-demos", "72", "--out", model, "--min-score", "0.5", "--json"]);
        Assert.True(train.ExitCode == 0, train.ToString());
        var trained = JsonNode.Parse(train.Out)!;
        Assert.True((double)trained["bestScore"]! >= 0.5);
        Assert.True(File.Exists(model));

        var eval = await RunAsync(["eval", model, "--data", Emails.Dev, "--json"]);
        Assert.True(eval.ExitCode == 0, eval.ToString());
        Assert.Equal((double)trained["bestScore"]!, (double)JsonNode.Parse(eval.Out)!["score"]!, 9);

        var inspect = await RunAsync(["inspect", model, "--json"]);
        Assert.True(inspect.ExitCode == 0, inspect.ToString());
        Assert.Equal("verified", (string?)JsonNode.Parse(inspect.Out)!["digest"]);

        var predict = await RunAsync(["predict", model, "--json"], stdin: "{\"email\": \"I was charged twice for my subscription this month\"}");
        Assert.True(predict.ExitCode == 0, predict.ToString());
        Assert.False(string.IsNullOrEmpty((string?)JsonNode.Parse(predict.Out)!["outputs"]!["category"]));
    }

    [Fact]
    public async Task Bad_usage_and_a_corrupt_file_exit_2_with_one_line_through_the_real_process()
    {
        using var folder = new TempFolder();
        var usage = await RunAsync(["train", "--no-such-option"]);
        CliRunner.AssertOneLineError(usage, ExitCodes.BadInput, "--no-such-option");

        var corrupt = folder.File("corrupt.json");
        await File.WriteAllTextAsync(corrupt, "{\"module_type\": ");
        var inspect = await RunAsync(["inspect", corrupt]);
        CliRunner.AssertOneLineError(inspect, ExitCodes.BadInput, "corrupt.json");
    }

    [Fact]
    public async Task SIGINT_during_training_stops_the_process_and_writes_nothing()
    {
        Assert.True(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "SIGINT needs a POSIX system.");
        using var folder = new TempFolder();
        var model = folder.File("models/m.json");
        using var process = Start(["train", "-s", Emails.Signature, "--data", Emails.Dev, "--optimizer", "hyperparameter", "--trials", "2000", "--out", model]);
        var firstProgress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var error = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (error) error.AppendLine(e.Data);
            if (e.Data.StartsWith("train: ", StringComparison.Ordinal)) firstProgress.TrySetResult();
        };
        process.BeginErrorReadLine();
        var output = process.StandardOutput.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await firstProgress.Task.WaitAsync(cts.Token);

        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cts.Token);
            Assert.Equal(0, kill.ExitCode);
        }

        await process.WaitForExitAsync(cts.Token);
        await output;
        var text = error.ToString();
        Assert.True(process.ExitCode == ExitCodes.Cancelled, $"exit {process.ExitCode}\n{text}");
        Assert.Contains("logillm: cancelled; nothing was written.", text);
        Assert.DoesNotContain("   at ", text);
        Assert.False(File.Exists(model));
        Assert.Empty(Directory.Exists(folder.File("models")) ? Directory.GetFiles(folder.File("models")) : []);
    }

    private static Process Start(string[] args)
    {
        var dll = typeof(CliApp).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        // A test run started in the background of a non-interactive shell (`dotnet test … &`) inherits SIGINT as ignored,
        // and an ignored signal stays ignored in every child: the CLI would never see the Ctrl+C these tests send.
        // GNU env resets it to the default disposition, so the CLI starts as it does from a terminal.
        var info = new ProcessStartInfo(OperatingSystem.IsLinux() ? "env" : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (OperatingSystem.IsLinux())
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add(dotnet);
        }

        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        // The provider must come from the command line here, never from the caller's environment.
        foreach (var name in new[] { "LOGILLM_LLM_PROVIDER", "Llm__Provider", "LOGILLM_LLM_MODEL", "Llm__Model" }) info.Environment.Remove(name);
        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    private static async Task<CliRun> RunAsync(string[] args, string? stdin = null)
    {
        using var process = Start(args);
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(cts.Token);
        return new CliRun(process.ExitCode, await output, await error);
    }
}
