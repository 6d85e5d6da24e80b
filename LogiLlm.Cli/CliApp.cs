using System.CommandLine;
using LogiLlm.Cli.Commands;
using LogiLlm.Optimizers;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Signatures;

namespace LogiLlm.Cli;

/// <summary>
/// The <c>logillm</c> command line: builds the commands, runs one, and turns every failure into one line on stderr
/// and an exit code (<see cref="ExitCodes"/>), never a stack trace.
/// </summary>
public static class CliApp
{
    /// <summary>Builds the root command with its subcommands, bound to <paramref name="environment"/>.</summary>
    public static RootCommand BuildRootCommand(CliEnvironment environment, Func<CancellationToken>? outerToken = null)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("logillm: optimize once, save, load instantly. Train, evaluate, inspect, migrate, predict with and push/pull LogiLlm module files.");
        globals.AddTo(root);
        root.Add(TrainCommand.Create(environment, globals));
        root.Add(EvalCommand.Create(environment, globals));
        root.Add(PredictCommand.Create(environment, globals));
        root.Add(InspectCommand.Create(environment, globals));
        root.Add(MigrateCommand.Create(environment, globals));
        root.Add(CopyRegistryCommand.Create(environment, globals));
        root.Add(RegistryCommands.CreatePush(environment, globals));
        root.Add(RegistryCommands.CreatePull(environment, globals));
        root.Add(SecurityCommands.CreateSign(environment, globals));
        root.Add(SecurityCommands.CreateVerify(environment, globals));
        root.Add(SecurityCommands.CreateEncrypt(environment, globals));
        root.Add(SecurityCommands.CreateDecrypt(environment, globals));
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. <paramref name="handleSignals"/> lets Ctrl+C and SIGTERM cancel the
    /// command (the process does; tests cancel <paramref name="cancellationToken"/> instead).
    /// </summary>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default, bool handleSignals = false)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var root = BuildRootCommand(environment);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = parse.CommandResult.Command is RootCommand ? "logillm" : $"logillm {parse.CommandResult.Command.Name}";
            // An unknown word explains the other errors it causes ("required command was not provided"), so it comes first.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            environment.Error.WriteLine($"logillm: {OneLine(error.Message)} (see '{command} --help')");
            return ExitCodes.BadInput;
        }

        var configuration = new InvocationConfiguration
        {
            Output = environment.Out,
            Error = environment.Error,
            EnableDefaultExceptionHandler = false,
            // The process cancels the command's token on Ctrl+C / SIGTERM and gives it this long to stop cleanly.
            ProcessTerminationTimeout = handleSignals ? TimeSpan.FromSeconds(10) : null,
        };
        try
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }
        catch (Exception e)
        {
            var (code, message) = Describe(e);
            environment.Error.WriteLine($"logillm: {OneLine(message)}");
            return code;
        }
    }

    /// <summary>The exit code and the one-line message of a failure.</summary>
    internal static (int Code, string Message) Describe(Exception e) => e switch
    {
        CliException c => (c.ExitCode, c.Message),
        OperationCanceledException => (ExitCodes.Cancelled, "cancelled; nothing was written."),
        PersistenceException p => (ExitCodes.BadInput, p.Message),
        SignatureParseException s => (ExitCodes.BadInput, $"--signature: {s.Message}"),
        ModuleInputException m => (ExitCodes.BadInput, m.Message),
        FormatException f => (ExitCodes.BadInput, f.Message),
        FileNotFoundException or DirectoryNotFoundException => (ExitCodes.BadInput, e.Message),
        ArgumentException a => (ExitCodes.BadInput, a.Message),
        ProviderException pe => (ExitCodes.Failed, $"the model provider failed: {pe.Message}"),
        HttpRequestException h => (ExitCodes.Failed, $"the registry is unreachable: {h.Message}"),
        IOException or UnauthorizedAccessException => (ExitCodes.Failed, e.Message),
        _ => (ExitCodes.Failed, $"unexpected {e.GetType().Name}: {e.Message}"),
    };

    /// <summary>Collapses a message to one line.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Loads a JSONL dataset, mapping a bad file to exit code 2.</summary>
    internal static IReadOnlyList<Example> LoadDataset(string? path, string option)
    {
        var full = CommandContext.ExistingFile(path, option);
        IReadOnlyList<Example> examples;
        try
        {
            examples = Dataset.LoadJsonl(full);
        }
        catch (FormatException e)
        {
            throw CliException.BadInput($"{option}: {e.Message}");
        }

        return examples.Count > 0 ? examples : throw CliException.BadInput($"{option} '{path}' has no examples.");
    }

    /// <summary>Fails with exit code 2 when an example lacks a required input or the scored output.</summary>
    internal static void CheckFits(IReadOnlyList<Example> examples, Signature signature, string? scoredField, string option)
    {
        for (var i = 0; i < examples.Count; i++)
        {
            var example = examples[i];
            foreach (var field in signature.InputFields.Where(f => f.MustBeSupplied))
            {
                if (!example.Inputs.ContainsKey(field.Name))
                {
                    throw CliException.BadInput($"{option}: example {i + 1} has no input '{field.Name}' (the signature is '{signature}').");
                }
            }

            if (scoredField is not null && !example.Outputs.ContainsKey(scoredField))
            {
                throw CliException.BadInput($"{option}: example {i + 1} has no expected output '{scoredField}'.");
            }
        }
    }
}
