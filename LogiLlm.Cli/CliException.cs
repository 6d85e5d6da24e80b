namespace LogiLlm.Cli;

/// <summary>A failure the command line reports as one line on stderr with an exit code (never a stack trace).</summary>
public sealed class CliException(string message, int exitCode = ExitCodes.BadInput) : Exception(message)
{
    /// <summary>The process exit code (<see cref="ExitCodes"/>).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>Bad usage or bad input (exit code 2).</summary>
    public static CliException BadInput(string message) => new(message, ExitCodes.BadInput);

    /// <summary>The work failed (exit code 1).</summary>
    public static CliException Failed(string message) => new(message, ExitCodes.Failed);
}
