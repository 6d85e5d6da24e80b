using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Signatures;
using Spectre.Console;

namespace LogiLlm.Cli.Commands;

/// <summary><c>logillm predict MODEL --input email="..."</c> (or a JSON object on stdin): outputs, token usage, latency.</summary>
public static class PredictCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliEnvironment environment, GlobalOptions globals)
    {
        var model = new Argument<string>("MODEL") { Description = "The saved module file." };
        var inputs = new Option<string[]>("--input", "-i")
        {
            Description = "An input as field=value (repeat for several fields); without any, a JSON object ({\"email\": ...} or {\"inputs\": {...}}) is read from stdin.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("predict", "Run a saved module on one input.") { model, inputs };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ctx = new CommandContext(parse, environment, globals, cancellationToken);
            var module = ModuleFiles.LoadForCalls(ctx, parse.GetValue(model));
            var values = parse.GetValue(inputs) is { Length: > 0 } pairs
                ? FromPairs(pairs, module.Signature)
                : environment.InputRedirected
                    ? FromJson(await environment.In.ReadToEndAsync(cancellationToken))
                    : throw CliException.BadInput("no input: pass --input field=value or pipe a JSON object on stdin.");

            var started = Stopwatch.GetTimestamp();
            var prediction = await module.InvokeAsync(values, cancellationToken);
            var latency = Stopwatch.GetElapsedTime(started);
            if (!prediction.Success)
            {
                throw CliException.Failed($"the model's answer could not be used: {prediction.Error}");
            }

            var inv = CultureInfo.InvariantCulture;
            var table = new Table().Border(TableBorder.Rounded).AddColumns("output", "value");
            foreach (var (name, value) in prediction.Outputs)
            {
                table.AddRow(Markup.Escape(name), Markup.Escape(value is string s ? s : FieldValueJson.ToJsonText(value)));
            }

            ctx.Show(table);
            ctx.Note(Markup.Escape(string.Create(inv,
                $"tokens: {prediction.Usage.InputTokens} in, {prediction.Usage.OutputTokens} out; latency {latency.TotalMilliseconds:0} ms; model {prediction.ModelId ?? module.Provider?.Model}")));
            ctx.WriteJson(new JsonObject
            {
                ["outputs"] = FieldValueJson.ToJsonNode(prediction.Outputs),
                ["usage"] = new JsonObject { ["inputTokens"] = prediction.Usage.InputTokens, ["outputTokens"] = prediction.Usage.OutputTokens },
                ["latencyMs"] = Math.Round(latency.TotalMilliseconds, 1),
                ["provider"] = module.Provider?.Name,
                ["model"] = prediction.ModelId ?? module.Provider?.Model,
            });
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>field=value</c> pairs; a value for a field that is not text is read as JSON when it parses.</summary>
    internal static Dictionary<string, object?> FromPairs(IEnumerable<string> pairs, Signature? signature)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw CliException.BadInput($"--input '{pair}' is not field=value.");
            }

            var name = pair[..equals].Trim();
            var text = pair[(equals + 1)..];
            var type = signature?.InputFields.FirstOrDefault(f => f.Name == name)?.Type.Unwrapped;
            values[name] = type is null || type == FieldType.Str ? text : TryJson(text);
        }

        return values;
    }

    /// <summary>A JSON object of inputs, or <c>{"inputs": {...}}</c> as the inference API takes it.</summary>
    internal static IReadOnlyDictionary<string, object?> FromJson(string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw CliException.BadInput($"stdin is not JSON: {e.Message}");
        }

        var obj = node as JsonObject ?? throw CliException.BadInput("stdin must hold a JSON object of inputs, e.g. {\"email\": \"...\"}.");
        if (obj.Count == 1 && obj["inputs"] is JsonObject wrapped)
        {
            obj = wrapped;
        }

        return (IReadOnlyDictionary<string, object?>)FieldValueJson.FromJsonNode(obj)!;
    }

    private static object? TryJson(string text)
    {
        try
        {
            return FieldValueJson.FromJsonNode(JsonNode.Parse(text));
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
