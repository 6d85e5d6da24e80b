namespace LogiLlm.Cli;

/// <summary>The exit codes a CI script can rely on.</summary>
public static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The work failed: a score under <c>--min-score</c>, a provider or registry failure, a file that needs migrating under <c>--check</c>.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage or bad input: an unknown option, a missing or corrupt file, a dataset that does not fit the signature.</summary>
    public const int BadInput = 2;

    /// <summary>Cancelled by Ctrl+C (SIGINT) or SIGTERM; nothing was written (the shell's convention, 128 + SIGINT).</summary>
    public const int Cancelled = 130;
}
