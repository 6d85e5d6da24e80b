using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogiLlm.Signatures;

namespace LogiLlm.Adapters;

/// <summary>
/// DSPy-style adapter: every field is introduced by a marker line <c>[[ ## name ## ]]</c> and a reply
/// ends with <c>[[ ## completed ## ]]</c>. For a signature with exactly one output field, a reply
/// without markers is taken whole as that field's value.
/// </summary>
public sealed partial class ChatAdapter : AdapterBase
{
    /// <summary>Creates the adapter.</summary>
    public ChatAdapter(JsonObject? config = null)
        : base(config)
    {
    }

    /// <summary>The marker line of a field, e.g. <c>[[ ## answer ## ]]</c>.</summary>
    public static string Marker(string field) => $"[[ ## {field} ## ]]";

    /// <summary>Appends <see cref="Marker"/> of <paramref name="field"/> without a string of its own (demos write one per field).</summary>
    private static StringBuilder AppendMarker(StringBuilder sb, string field) => sb.Append("[[ ## ").Append(field).Append(" ## ]]");

    /// <inheritdoc />
    public override string Name => "ChatAdapter";

    /// <inheritdoc />
    protected override bool CachesPromptTexts => true;

    /// <inheritdoc />
    protected override string MissingHint => "each output must follow its [[ ## field ## ]] marker";

    /// <inheritdoc />
    protected override string FormatInputs(Signature signature, IReadOnlyDictionary<string, object?> values) =>
        FormatPresentInputs(signature, values, (sb, name, text) => AppendMarker(sb, name).Append('\n').Append(text).Append("\n\n"));

    /// <inheritdoc />
    protected override string FormatOutputs(Signature signature, IReadOnlyDictionary<string, object?> values)
    {
        var sb = PromptTextBuilder.Acquire();
        foreach (var field in signature.OutputFields)
        {
            TryGetValue(values, field.Name, out var value);
            AppendMarker(sb, field.Name).Append('\n').Append(ValueText(value)).Append("\n\n");
        }

        AppendMarker(sb, "completed");
        return PromptTextBuilder.ToStringAndRelease(sb);
    }

    /// <inheritdoc />
    protected override string DescribeStructure(Signature signature)
    {
        var sb = new StringBuilder();
        foreach (var field in signature.Fields)
        {
            sb.Append(Marker(field.Name)).Append('\n').Append('{').Append(field.Name).Append('}');
            if (field.Kind == FieldKind.Output && TypeHint(field.Type) is { } hint)
            {
                sb.Append("        # note: the value you produce ").Append(hint);
            }

            sb.Append("\n\n");
        }

        sb.Append(Marker("completed"));
        return sb.ToString();
    }

    /// <inheritdoc />
    protected override string FinalInstruction(Signature signature)
    {
        var parts = signature.OutputFields.Select(f =>
        {
            var hint = TypeHint(f.Type);
            return hint is null ? $"`{Marker(f.Name)}`" : $"`{Marker(f.Name)}` (the value {hint})";
        });
        return $"Respond with the corresponding output fields, starting with the field {string.Join(", then ", parts)}, and then ending with the marker for `{Marker("completed")}`.";
    }

    /// <inheritdoc />
    protected override IDictionary<string, object?> ExtractOutputs(Signature signature, string completion)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var matches = MarkerPattern().Matches(completion);
        for (var i = 0; i < matches.Count; i++)
        {
            var name = MarkerName(matches[i].ValueSpan);
            if (name.Equals("completed", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            var start = matches[i].Index + matches[i].Length;
            var end = i + 1 < matches.Count ? matches[i + 1].Index : completion.Length;
            if (FindOutput(signature, name) is { } field && !result.ContainsKey(field.Name))
            {
                result[field.Name] = completion[start..end].Trim();
            }
        }

        if (signature.OutputFields.Count == 1 && result.Count == 0)
        {
            // A single-output reply without markers (or with only the completed marker) is the value itself.
            var text = matches.Count > 0 ? completion[..matches[0].Index] : completion;
            if (text.Trim().Length > 0 || matches.Count == 0)
            {
                result[signature.OutputFields[0].Name] = text.Trim();
            }
        }

        return result;
    }

    /// <summary>
    /// The field name of a marker <see cref="MarkerPattern"/> matched: what lies between its first and its last <c>##</c>,
    /// trimmed (the name holds no <c>#</c>). Read from the match rather than from a capture group, which would cost the
    /// non-backtracking engine a third pass per match.
    /// </summary>
    private static string MarkerName(ReadOnlySpan<char> marker)
    {
        var start = marker.IndexOf("##", StringComparison.Ordinal) + 2;
        var end = marker.LastIndexOf("##", StringComparison.Ordinal);
        return marker[start..end].Trim().ToString();
    }

    // Linear time whatever the reply (NonBacktracking); no capture groups, see MarkerName.
    [GeneratedRegex(@"\[\[\s*##\s*[^\]#]+?\s*##\s*\]\]", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex MarkerPattern();
}
