using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogiLlm.Signatures;

namespace LogiLlm.Adapters;

/// <summary>
/// Marks every field with a Markdown heading (<c>## answer</c>, value on the following lines). When
/// reading, bold labels (<c>**answer:** value</c>) are accepted too; any other heading ends a field, and
/// headings inside code fences are ignored.
/// </summary>
public sealed partial class MarkdownAdapter : AdapterBase
{
    /// <summary>Creates the adapter.</summary>
    public MarkdownAdapter(JsonObject? config = null)
        : base(config)
    {
    }

    /// <inheritdoc />
    public override string Name => "MarkdownAdapter";

    /// <inheritdoc />
    protected override bool CachesPromptTexts => true;

    /// <inheritdoc />
    protected override string MissingHint => "each output must follow a '## field' heading or a '**field:**' label";

    /// <inheritdoc />
    protected override string FormatInputs(Signature signature, IReadOnlyDictionary<string, object?> values) =>
        FormatPresentInputs(signature, values, (sb, name, text) => sb.Append("## ").Append(name).Append('\n').Append(text).Append("\n\n"));

    /// <inheritdoc />
    protected override string FormatOutputs(Signature signature, IReadOnlyDictionary<string, object?> values)
    {
        var sb = new StringBuilder();
        foreach (var field in signature.OutputFields)
        {
            TryGetValue(values, field.Name, out var value);
            sb.Append("## ").Append(field.Name).Append('\n').Append(ValueText(value)).Append("\n\n");
        }

        return sb.ToString().TrimEnd();
    }

    /// <inheritdoc />
    protected override string DescribeStructure(Signature signature)
    {
        var sb = new StringBuilder();
        foreach (var field in signature.Fields)
        {
            sb.Append("## ").Append(field.Name).Append('\n').Append('{').Append(field.Name).Append('}');
            if (field.Kind == FieldKind.Output && TypeHint(field.Type) is { } hint)
            {
                sb.Append("  (the value you produce ").Append(hint).Append(')');
            }

            sb.Append("\n\n");
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    protected override string FinalInstruction(Signature signature) =>
        $"Respond with the output fields as Markdown sections, in this order: {string.Join(", ", signature.OutputFields.Select(f => $"`## {f.Name}`"))}.";

    /// <inheritdoc />
    protected override IDictionary<string, object?> ExtractOutputs(Signature signature, string completion)
    {
        var text = completion.Trim();
        if (text.StartsWith("```markdown", StringComparison.OrdinalIgnoreCase) || text.StartsWith("```md", StringComparison.OrdinalIgnoreCase))
        {
            text = ModelTextParser.StripCodeFence(text);
        }

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        string? current = null;
        var buffer = new StringBuilder();
        var inFence = false;

        void Flush()
        {
            if (current is not null && !result.ContainsKey(current))
            {
                result[current] = buffer.ToString().Trim();
            }

            buffer.Clear();
        }

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            else if (!inFence)
            {
                var heading = HeadingPattern().Match(line);
                if (heading.Success)
                {
                    Flush();
                    current = FindOutput(signature, heading.Groups["name"].Value)?.Name;
                    continue;
                }

                var bold = BoldPattern().Match(line);
                if (bold.Success && FindOutput(signature, bold.Groups["name"].Value) is { } boldField)
                {
                    Flush();
                    current = boldField.Name;
                    buffer.Append(bold.Groups["rest"].Value).Append('\n');
                    continue;
                }
            }

            if (current is not null)
            {
                buffer.Append(line).Append('\n');
            }
        }

        Flush();
        return result;
    }

    [GeneratedRegex(@"^\s{0,3}#{1,6}\s*\**\s*(?<name>[^*:#]+?)\s*\**\s*:?\s*\**\s*$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"^\s*(?:[-*]\s+)?\*\*\s*(?<name>[^*:]+?)\s*(?::\s*\*\*|\*\*\s*:)\s*(?<rest>.*)$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex BoldPattern();
}
