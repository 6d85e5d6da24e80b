using Spectre.Console;

namespace LogiLlm.Cli;

/// <summary>
/// What a command talks to: the console (stdout), stderr, stdin, environment variables and the HTTP handler of the
/// registry client. The process uses the real ones; tests pass their own and run commands in process.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Rich output (tables, progress) on stdout.</summary>
    public required IAnsiConsole Console { get; init; }

    /// <summary>Plain output on stdout (JSON for scripts), the same stream as <see cref="Console"/>.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Errors (one line each) and, when stdout is not a terminal, progress lines.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input (JSON inputs of <c>predict</c>).</summary>
    public required TextReader In { get; init; }

    /// <summary>True when stdin is redirected (a pipe or a file), so <c>predict</c> may read its inputs from it.</summary>
    public bool InputRedirected { get; init; }

    /// <summary>Reads an environment variable (the provider's key, the registry's admin key).</summary>
    public Func<string, string?> GetEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The handler of registry requests (null = a plain <see cref="HttpClientHandler"/>).</summary>
    public HttpMessageHandler? RegistryHandler { get; init; }

    /// <summary>The process's console, stdout, stderr and environment.</summary>
    public static CliEnvironment System()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(global::System.Console.Out),
        });
        return new CliEnvironment
        {
            Console = console,
            Out = global::System.Console.Out,
            Error = global::System.Console.Error,
            In = global::System.Console.In,
            InputRedirected = global::System.Console.IsInputRedirected,
        };
    }

    /// <summary>An environment writing to <paramref name="output"/> and <paramref name="error"/> (no colours, not interactive).</summary>
    public static CliEnvironment ForWriters(TextWriter output, TextWriter error, TextReader? input = null, Func<string, string?>? environment = null, HttpMessageHandler? registryHandler = null)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        return new CliEnvironment
        {
            Console = console,
            Out = output,
            Error = error,
            In = input ?? TextReader.Null,
            InputRedirected = input is not null,
            GetEnvironmentVariable = environment ?? (_ => null),
            RegistryHandler = registryHandler,
        };
    }
}
