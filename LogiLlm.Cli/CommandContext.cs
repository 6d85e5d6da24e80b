using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Providers;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace LogiLlm.Cli;

/// <summary>One invocation: the parsed command line, the environment, output helpers and the provider.</summary>
public sealed class CommandContext(ParseResult parse, CliEnvironment environment, GlobalOptions globals, CancellationToken cancellationToken)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The parsed command line.</summary>
    public ParseResult Parse { get; } = parse;

    /// <summary>Console, streams and environment.</summary>
    public CliEnvironment Environment { get; } = environment;

    /// <summary>Cancelled by Ctrl+C / SIGTERM (or the caller in tests).</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>--quiet.</summary>
    public bool Quiet => Parse.GetValue(globals.Quiet);

    /// <summary>--json.</summary>
    public bool Json => Parse.GetValue(globals.Json);

    /// <summary>Whether tables and notes go to stdout (not with --quiet or --json).</summary>
    public bool Human => !Quiet && !Json;

    /// <summary>Whether a live progress display is drawn (an interactive terminal and human output).</summary>
    public bool LiveProgress => Human && Environment.Console.Profile.Capabilities.Interactive;

    /// <summary>The value of an option or argument.</summary>
    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    /// <summary>The value of an argument.</summary>
    public T? Get<T>(Argument<T> argument) => Parse.GetValue(argument);

    /// <summary>Creates the provider configured by --provider/--model/--endpoint and the environment.</summary>
    public Provider CreateProvider() => CliProvider.Create(CliProvider.Settings(
        Parse.GetValue(globals.Provider), Parse.GetValue(globals.Model), Parse.GetValue(globals.Endpoint), Environment.GetEnvironmentVariable));

    /// <summary>Renders a table or other widget on stdout (human output only).</summary>
    public void Show(IRenderable renderable)
    {
        if (Human)
        {
            Environment.Console.Write(renderable);
        }
    }

    /// <summary>Writes a line of markup on stdout (human output only).</summary>
    public void Note(string markup)
    {
        if (Human)
        {
            Environment.Console.MarkupLine(markup);
        }
    }

    /// <summary>Writes a progress or warning line on stderr (not with --quiet).</summary>
    public void Status(string line)
    {
        if (!Quiet)
        {
            Environment.Error.WriteLine(line);
        }
    }

    /// <summary>Writes <paramref name="document"/> on stdout when --json is given.</summary>
    public void WriteJson(JsonNode document)
    {
        if (Json)
        {
            Environment.Out.WriteLine(document.ToJsonString(JsonOptions));
            Environment.Out.Flush();
        }
    }

    /// <summary>Fails with exit code 2 unless <paramref name="path"/> names an existing file.</summary>
    public static string ExistingFile(string? path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw CliException.BadInput($"{what}: no file given.");
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw CliException.BadInput($"{what} '{path}' is a directory, not a file.");
        }

        return File.Exists(full) ? full : throw CliException.BadInput($"{what} '{path}' does not exist.");
    }
}
