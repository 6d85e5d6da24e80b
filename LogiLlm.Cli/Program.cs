namespace LogiLlm.Cli;

/// <summary>The <c>logillm</c> process.</summary>
public static class Program
{
    /// <summary>Runs the command line on the process's console; Ctrl+C and SIGTERM cancel it.</summary>
    public static Task<int> Main(string[] args) => CliApp.RunAsync(args, CliEnvironment.System(), handleSignals: true);
}
