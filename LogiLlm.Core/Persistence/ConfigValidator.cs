using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// Type and range checks of the well-known model parameters of a loaded config (<c>temperature</c>, <c>max_tokens</c>,
/// <c>top_p</c>, ...), so that a file a loader accepts can also be run: a value every call would fail on is refused at
/// load with a <see cref="PersistenceException"/> naming its JSON path. Other keys pass through unchecked.
/// </summary>
internal static class ConfigValidator
{
    private enum Kind
    {
        Number,
        Integer,
        StopSequences,
        Flag,
    }

    private static readonly Dictionary<string, (Kind Kind, double Min, double Max)> Rules = new(StringComparer.Ordinal)
    {
        ["temperature"] = (Kind.Number, 0, 2),
        ["top_p"] = (Kind.Number, 0, 1),
        ["min_p"] = (Kind.Number, 0, 1),
        ["frequency_penalty"] = (Kind.Number, -2, 2),
        ["presence_penalty"] = (Kind.Number, -2, 2),
        ["repetition_penalty"] = (Kind.Number, 0, 10),
        ["timeout"] = (Kind.Number, 0, 86_400),
        ["top_k"] = (Kind.Integer, 0, int.MaxValue),
        ["max_tokens"] = (Kind.Integer, 1, int.MaxValue),
        ["max_completion_tokens"] = (Kind.Integer, 1, int.MaxValue),
        ["max_output_tokens"] = (Kind.Integer, 1, int.MaxValue),
        ["max_new_tokens"] = (Kind.Integer, 1, int.MaxValue),
        ["thinking_budget"] = (Kind.Integer, 0, int.MaxValue),
        ["n"] = (Kind.Integer, 1, 128),
        ["candidate_count"] = (Kind.Integer, 1, 128),
        ["max_retries"] = (Kind.Integer, 0, 100),
        ["top_logprobs"] = (Kind.Integer, 0, 20),
        ["seed"] = (Kind.Integer, long.MinValue, long.MaxValue),
        ["stop"] = (Kind.StopSequences, 0, 0),
        ["stop_sequences"] = (Kind.StopSequences, 0, 0),
        ["logprobs"] = (Kind.Flag, 0, 0),
        ["parallel_tool_calls"] = (Kind.Flag, 0, 0),
    };

    /// <summary>Checks the well-known keys of <paramref name="config"/> (at <paramref name="path"/>); null passes.</summary>
    public static void Check(JsonObject? config, string path, DocumentReader reader)
    {
        if (config is null)
        {
            return;
        }

        foreach (var (key, value) in config)
        {
            if (value is null || !Rules.TryGetValue(key, out var rule))
            {
                continue;
            }

            if (Problem(value, rule) is { } problem)
            {
                throw reader.Fail($"Invalid config '{key}': {problem}", JsonPaths.Property(path, key));
            }
        }
    }

    private static string? Problem(JsonNode value, (Kind Kind, double Min, double Max) rule)
    {
        var range = $"from {rule.Min.ToString(CultureInfo.InvariantCulture)} to {rule.Max.ToString(CultureInfo.InvariantCulture)}";
        switch (rule.Kind)
        {
            case Kind.Number:
                return value is JsonValue n && n.GetValueKind() == JsonValueKind.Number && n.TryGetValue<double>(out var d)
                    && double.IsFinite(d) && d >= rule.Min && d <= rule.Max
                    ? null
                    : $"expected a number {range}, found {Describe(value)}";
            case Kind.Integer:
                // Read as the runtime reads it (a whole-number token): 3e9 or 150.0 would fail every call.
                var whole = value is JsonValue i && i.GetValueKind() == JsonValueKind.Number && i.TryGetValue<long>(out var l) ? l : (long?)null;
                return whole is { } w && w >= rule.Min && w <= rule.Max
                    ? null
                    : $"expected a whole number {range}, found {Describe(value)}";
            case Kind.StopSequences:
                var ok = value switch
                {
                    JsonValue s => s.GetValueKind() == JsonValueKind.String,
                    JsonArray a => a.All(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.String),
                    _ => false,
                };
                return ok ? null : $"expected a string or a list of strings, found {Describe(value)}";
            default:
                return value.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : $"expected true or false, found {Describe(value)}";
        }
    }

    private static string Describe(JsonNode value)
    {
        var text = value.ToJsonString();
        return text.Length <= 40 ? text : text[..40] + "...";
    }
}
