using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogiLlm.Signatures;

namespace LogiLlm.Adapters;

/// <summary>
/// Marks every field as an XML element, <c>&lt;answer&gt;42&lt;/answer&gt;</c>. Values are XML-escaped when
/// written and unescaped when read; lists may be written as JSON or as nested <c>&lt;item&gt;</c> elements.
/// </summary>
public sealed partial class XmlAdapter : AdapterBase
{
    /// <summary>Creates the adapter.</summary>
    public XmlAdapter(JsonObject? config = null)
        : base(config)
    {
    }

    /// <inheritdoc />
    public override string Name => "XMLAdapter";

    /// <inheritdoc />
    protected override bool CachesPromptTexts => true;

    /// <inheritdoc />
    protected override string MissingHint => "each output must be wrapped in <field>...</field>";

    /// <inheritdoc />
    protected override string FormatInputs(Signature signature, IReadOnlyDictionary<string, object?> values) =>
        FormatPresentInputs(signature, values, (sb, name, text) => AppendElement(sb, name, Escape(text)));

    /// <inheritdoc />
    protected override string FormatOutputs(Signature signature, IReadOnlyDictionary<string, object?> values)
    {
        var sb = new StringBuilder();
        foreach (var field in signature.OutputFields)
        {
            TryGetValue(values, field.Name, out var value);
            AppendElement(sb, field.Name, Escape(ValueText(value)));
        }

        return sb.ToString().TrimEnd();
    }

    /// <inheritdoc />
    protected override string DescribeStructure(Signature signature)
    {
        var sb = new StringBuilder();
        foreach (var field in signature.Fields)
        {
            sb.Append('<').Append(field.Name).Append(">{").Append(field.Name).Append("}</").Append(field.Name).Append('>');
            if (field.Kind == FieldKind.Output && TypeHint(field.Type) is { } hint)
            {
                sb.Append("  <!-- the value you produce ").Append(hint).Append(" -->");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <inheritdoc />
    protected override string FinalInstruction(Signature signature) =>
        $"Respond with the output fields as XML elements, in this order: {string.Join(", ", signature.OutputFields.Select(f => $"<{f.Name}>"))}.";

    /// <inheritdoc />
    protected override IDictionary<string, object?> ExtractOutputs(Signature signature, string completion)
    {
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var field in signature.OutputFields)
        {
            var pattern = new Regex(
                $@"<\s*{Regex.Escape(field.Name)}(\s[^>]*)?>(?<value>.*?)<\s*/\s*{Regex.Escape(field.Name)}\s*>",
                RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
            var match = pattern.Match(completion);
            if (!match.Success)
            {
                continue;
            }

            var content = match.Groups["value"].Value;
            var inner = field.Type.Unwrapped;
            if (inner.Name is "list" or "set" or "tuple")
            {
                var items = ItemPattern().Matches(content);
                if (items.Count > 0)
                {
                    result[field.Name] = items.Select(m => (object?)Unescape(m.Groups["value"].Value).Trim()).ToList().AsReadOnly();
                    continue;
                }
            }

            result[field.Name] = Unescape(content).Trim();
        }

        return result;
    }

    private static void AppendElement(StringBuilder sb, string name, string content) =>
        sb.Append('<').Append(name).Append('>').Append(content).Append("</").Append(name).Append(">\n");

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Unescape(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith("<![CDATA[", StringComparison.Ordinal) && trimmed.EndsWith("]]>", StringComparison.Ordinal))
        {
            return trimmed[9..^3];
        }

        return WebUtility.HtmlDecode(text);
    }

    [GeneratedRegex(@"<\s*item(\s[^>]*)?>(?<value>.*?)<\s*/\s*item\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ItemPattern();
}
