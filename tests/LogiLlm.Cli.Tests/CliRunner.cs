namespace LogiLlm.Cli.Tests;

/// <summary>The outcome of one command line run in process.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs <c>logillm</c> in process: the command line parsed and run by <see cref="CliApp"/> with captured streams.</summary>
internal static class CliRunner
{
    public static async Task<CliRun> RunAsync(
        string[] args,
        string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null,
        HttpMessageHandler? registryHandler = null,
        StringWriter? error = null,
        CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        error ??= new StringWriter();
        var env = CliEnvironment.ForWriters(
            output,
            error,
            stdin is null ? null : new StringReader(stdin),
            name => environment?.GetValueOrDefault(name),
            registryHandler);
        var code = await CliApp.RunAsync(args, env, cancellationToken);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Asserts the failure contract: the exit code, exactly one line on stderr, no stack trace.</summary>
    public static void AssertOneLineError(CliRun run, int exitCode, string contains)
    {
        Assert.True(run.ExitCode == exitCode, run.ToString());
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("logillm: ", line);
        Assert.Contains(contains, line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", run.Error);
        Assert.DoesNotContain("Exception", line);
    }
}

/// <summary>A temporary folder removed after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "logillm-cli-tests", Guid.NewGuid().ToString("n"));

    public TempFolder() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The shared emails data set (72 train, 36 dev).</summary>
internal static class Emails
{
    public static string Train => System.IO.Path.Combine(SharedPaths.Dataset("emails"), "train.jsonl");

    public static string Dev => System.IO.Path.Combine(SharedPaths.Dataset("emails"), "dev.jsonl");

    public const string Signature = "email: str -> category: str";
}
