using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.LocalModel;

/// <summary>
/// Reads a request the way an LLM would: the system message written by the built-in adapters lists the
/// input and output fields with their types (<c>1. `category` (Literal['a', 'b'])</c>), the demos are the
/// user/assistant pairs, the last user message is the input. No side channel is needed, so what the local
/// model sees is exactly what a real provider is sent.
/// </summary>
internal static partial class PromptReader
{
    private const string InputsHeader = "Your input fields are:";
    private const string OutputsHeader = "Your output fields are:";
    private const string StructureHeader = "All interactions will be structured";
    private const string ObjectiveHeader = "In adhering to this structure, your objective is: ";

    private static readonly IReadOnlyDictionary<string, object?> NoInputs = new Dictionary<string, object?>();

    public static PromptView Read(IReadOnlyList<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var system = messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text;
        var signature = system is null ? null : ReadSignature(system);
        var lastUser = -1;
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == ChatRole.User)
            {
                lastUser = i;
                break;
            }
        }

        var query = lastUser >= 0 ? messages[lastUser].Text ?? string.Empty : string.Empty;
        AdapterBase? adapter = null;
        if (signature is not null && IdentifyAdapter(signature, query, out var reminder) is { } found)
        {
            adapter = found;
            query = query.TrimEnd()[..^reminder.Length];
        }

        var demos = new List<DemoView>();
        for (var i = 0; i + 1 < lastUser; i++)
        {
            if (messages[i].Role == ChatRole.User && messages[i + 1].Role == ChatRole.Assistant)
            {
                demos.Add(new DemoView(InputText(messages[i].Text ?? string.Empty, signature), messages[i + 1].Text ?? string.Empty));
                i++;
            }
        }

        return new PromptView(signature, adapter, demos, InputText(query, signature));
    }

    /// <summary>The signature listed in a system message written by <see cref="AdapterBase"/>, or null.</summary>
    public static Signature? ReadSignature(string system)
    {
        var outputsAt = system.IndexOf(OutputsHeader, StringComparison.Ordinal);
        if (outputsAt < 0)
        {
            return null;
        }

        var inputsAt = system.IndexOf(InputsHeader, StringComparison.Ordinal);
        var structureAt = system.IndexOf(StructureHeader, outputsAt, StringComparison.Ordinal);
        var inputs = inputsAt >= 0 && inputsAt < outputsAt ? ReadFields(system[inputsAt..outputsAt], FieldKind.Input) : [];
        var outputs = ReadFields(structureAt > 0 ? system[outputsAt..structureAt] : system[outputsAt..], FieldKind.Output);
        if (outputs is null || inputs is null || outputs.Count == 0)
        {
            return null;
        }

        try
        {
            return new Signature(inputs, outputs, ReadInstructions(system));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The objective of a system message (the signature's instructions, or the adapters' default sentence).</summary>
    private static string? ReadInstructions(string system)
    {
        var at = system.LastIndexOf(ObjectiveHeader, StringComparison.Ordinal);
        return at < 0 ? null : system[(at + ObjectiveHeader.Length)..].Trim();
    }

    /// <summary>
    /// The input text of a user message for embedding: field markers of every built-in format removed
    /// (<c>[[ ## email ## ]]</c>, <c>## email</c>, <c>&lt;email&gt;</c>), XML entities decoded, whitespace collapsed.
    /// Markers are the same in every message, so they only dilute the similarity between inputs.
    /// </summary>
    public static string InputText(string message, Signature? signature)
    {
        var text = ChatMarker().Replace(message, "\n");
        if (signature is not null)
        {
            foreach (var field in signature.InputFields)
            {
                var name = Regex.Escape(field.Name);
                text = Regex.Replace(text, $@"^[ \t]*##[ \t]+{name}[ \t]*$", " ", RegexOptions.Multiline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
                if (Regex.IsMatch(text, $@"<{name}>", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking))
                {
                    text = WebUtility.HtmlDecode(Regex.Replace(text, $@"</?{name}>", "\n", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking));
                }
            }
        }

        return Whitespace().Replace(text, " ").Trim();
    }

    private static AdapterBase? IdentifyAdapter(Signature signature, string query, out string reminder)
    {
        var trimmed = query.TrimEnd();
        foreach (var name in AdapterFactory.WireNames)
        {
            if (AdapterFactory.Create(name) is not AdapterBase candidate)
            {
                continue;
            }

            // With no inputs the last message is the format reminder alone; the real one ends with it.
            var rendered = candidate.Format(signature, Array.Empty<Demo>(), NoInputs)[^1].Text?.Trim() ?? string.Empty;
            if (rendered.Length > 0 && trimmed.EndsWith(rendered, StringComparison.Ordinal))
            {
                reminder = rendered;
                return candidate;
            }
        }

        reminder = string.Empty;
        return null;
    }

    private static List<FieldSpec>? ReadFields(string section, FieldKind kind)
    {
        var fields = new List<FieldSpec>();
        foreach (Match match in FieldLine().Matches(section))
        {
            var rest = match.Groups["rest"].Value;
            var end = ClosingParenthesis(rest);
            if (end < 0 || !FieldType.TryParse(rest[..end], out var type) || type is null)
            {
                return null;
            }

            // What follows the type is the description ("1. `category` (str): one of billing, refund").
            var description = rest[(end + 1)..].Trim();
            fields.Add(new FieldSpec(match.Groups["name"].Value, kind, type)
            {
                Description = description.StartsWith(':') && description.Length > 1 ? description[1..].Trim() : null,
            });
        }

        return fields;
    }

    /// <summary>Index of the parenthesis closing the type expression (brackets nested, quotes skipped), or -1.</summary>
    private static int ClosingParenthesis(string rest)
    {
        var depth = 0;
        char? quote = null;
        for (var i = 0; i < rest.Length; i++)
        {
            var c = rest[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }

                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '[' or '(':
                    depth++;
                    break;
                case ']':
                    depth--;
                    break;
                case ')' when depth == 0:
                    return i;
                case ')':
                    depth--;
                    break;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"^\d+\. `(?<name>[^`]+)` \((?<rest>.*)$", RegexOptions.Multiline | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex FieldLine();

    [GeneratedRegex(@"\[\[\s*##\s*[^\]#]+?\s*##\s*\]\]", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex ChatMarker();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex Whitespace();
}
