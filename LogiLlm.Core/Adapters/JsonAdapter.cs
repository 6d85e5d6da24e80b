using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.Adapters;

/// <summary>
/// Asks for the outputs as one JSON object and requests it through
/// <see cref="ChatResponseFormat.ForJsonSchema(JsonElement, string?, string?)"/> built from the signature
/// (Literal fields become <c>enum</c>). Inputs are marked like <see cref="ChatAdapter"/>. The reply may wrap
/// the object in a code fence or prose.
/// </summary>
public sealed class JsonAdapter : AdapterBase
{
    private static readonly JsonSerializerOptions Indented = new(FieldValueJson.JsonOptions) { WriteIndented = true };
    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Creates the adapter.</summary>
    public JsonAdapter(JsonObject? config = null)
        : base(config)
    {
    }

    /// <inheritdoc />
    public override string Name => "JSONAdapter";

    /// <inheritdoc />
    protected override bool CachesPromptTexts => true;

    /// <inheritdoc />
    protected override string MissingHint => "the reply must contain a JSON object with one property per output field";

    /// <inheritdoc />
    public override ChatResponseFormat? ResponseFormat(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var schema = JsonSerializer.SerializeToElement(SignatureJsonSchema.ForOutputs(signature), FieldValueJson.JsonOptions);
        return ChatResponseFormat.ForJsonSchema(schema, "outputs", string.IsNullOrWhiteSpace(signature.Instructions) ? null : signature.Instructions);
    }

    /// <inheritdoc />
    protected override string FormatInputs(Signature signature, IReadOnlyDictionary<string, object?> values) =>
        FormatPresentInputs(signature, values, (sb, name, text) => sb.Append(ChatAdapter.Marker(name)).Append('\n').Append(text).Append("\n\n"));

    /// <inheritdoc />
    protected override string FormatOutputs(Signature signature, IReadOnlyDictionary<string, object?> values)
    {
        var obj = new JsonObject();
        foreach (var field in signature.OutputFields)
        {
            TryGetValue(values, field.Name, out var value);
            obj[field.Name] = FieldValueJson.ToJsonNode(value);
        }

        return obj.ToJsonString(Indented);
    }

    /// <inheritdoc />
    protected override string DescribeStructure(Signature signature)
    {
        var sb = new StringBuilder();
        foreach (var field in signature.InputFields)
        {
            sb.Append(ChatAdapter.Marker(field.Name)).Append('\n').Append('{').Append(field.Name).Append("}\n\n");
        }

        sb.Append("Outputs will be a JSON object with the following fields.\n\n{\n");
        for (var i = 0; i < signature.OutputFields.Count; i++)
        {
            var field = signature.OutputFields[i];
            sb.Append("  \"").Append(field.Name).Append("\": \"{").Append(field.Name).Append("}\"");
            sb.Append(i + 1 < signature.OutputFields.Count ? ",\n" : "\n");
        }

        sb.Append('}');
        foreach (var field in signature.OutputFields)
        {
            if (TypeHint(field.Type) is { } hint)
            {
                sb.Append("\nNote: the value of `").Append(field.Name).Append("` ").Append(hint).Append('.');
            }
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    protected override string FinalInstruction(Signature signature)
    {
        var parts = signature.OutputFields.Select(f => TypeHint(f.Type) is { } hint ? $"`{f.Name}` (the value {hint})" : $"`{f.Name}`");
        return $"Respond with a JSON object in the following order of fields: {string.Join(", then ", parts)}.";
    }

    /// <inheritdoc />
    protected override IDictionary<string, object?> ExtractOutputs(Signature signature, string completion)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var obj = FindJsonObject(completion);
        if (obj is null)
        {
            // No object at all: the base class reports every required output as missing.
            return result;
        }

        foreach (var (key, value) in obj)
        {
            if (FindOutput(signature, key) is { } field && !result.ContainsKey(field.Name))
            {
                result[field.Name] = value;
            }
        }

        return result;
    }

    /// <summary>The first JSON object in <paramref name="text"/> (inside a code fence or prose), or null.</summary>
    public static JsonObject? FindJsonObject(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var candidates = new List<string> { ModelTextParser.StripCodeFence(text) };
        var fenceStart = text.IndexOf("```", StringComparison.Ordinal);
        if (fenceStart > 0)
        {
            candidates.Add(ModelTextParser.StripCodeFence(text[fenceStart..]));
        }

        candidates.Add(text);
        foreach (var candidate in candidates)
        {
            // Each try scans to the matching brace: a bounded number of tries keeps "{{{{...}}}}" text linear.
            var tries = 0;
            for (var start = candidate.IndexOf('{', StringComparison.Ordinal); start >= 0 && tries++ < MaxObjectStarts; start = candidate.IndexOf('{', start + 1))
            {
                var end = MatchingBrace(candidate, start);
                if (end < 0)
                {
                    break;
                }

                var slice = candidate[start..(end + 1)];
                try
                {
                    if (JsonNode.Parse(slice, documentOptions: Lenient) is JsonObject obj)
                    {
                        return obj;
                    }
                }
                catch (JsonException)
                {
                    if (ModelTextParser.TryParseJsonLenient(slice, out var ok) is JsonObject pythonStyle && ok)
                    {
                        return pythonStyle;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>How many opening braces of one text are tried as the start of the answer's JSON object.</summary>
    private const int MaxObjectStarts = 64;

    private static int MatchingBrace(string text, int start)
    {
        var depth = 0;
        var inString = false;
        var quote = '"';
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    quote = c;
                    break;
                case '{':
                    depth++;
                    break;
                case '}':
                    depth--;
                    if (depth == 0)
                    {
                        return i;
                    }

                    break;
            }
        }

        return -1;
    }
}
