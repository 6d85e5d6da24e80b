using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Signatures;

/// <summary>
/// Reads the text a model wrote leniently: Markdown code fences, JSON with trailing commas or comments,
/// Python-style literals (single quotes, <c>True</c>/<c>False</c>/<c>None</c>), bullet, numbered and comma lists,
/// and scalars wrapped in quotes, emphasis or a closing full stop.
/// </summary>
public static class ModelTextParser
{
    private static readonly JsonDocumentOptions LenientJson = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Removes a surrounding Markdown code fence (<c>```json ... ```</c>) if the text is one.</summary>
    public static string StripCodeFence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var firstNewline = trimmed.IndexOf('\n', StringComparison.Ordinal);
        if (firstNewline < 0)
        {
            return trimmed.Trim('`').Trim();
        }

        var body = trimmed[(firstNewline + 1)..];
        var close = body.LastIndexOf("```", StringComparison.Ordinal);
        return (close >= 0 ? body[..close] : body).Trim();
    }

    /// <summary>Parses JSON leniently (trailing commas, comments, then Python-style literals with single quotes, True/False/None).</summary>
    /// <returns>The node, or null when the text is not JSON in either style.</returns>
    public static JsonNode? TryParseJsonLenient(string text, out bool success)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var candidate in new[] { text, PythonLiteralToJson(text) })
        {
            try
            {
                var node = JsonNode.Parse(candidate, documentOptions: LenientJson);
                success = true;
                return node;
            }
            catch (JsonException)
            {
                // Try the next spelling.
            }
        }

        success = false;
        return null;
    }

    /// <summary>Splits a list a model wrote as plain text: one item per line (bullets and numbers removed), else comma-separated; items unquoted.</summary>
    internal static IReadOnlyList<object?> SplitPlainList(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var pieces = lines.Count > 1 || IsBullet(lines[0]) ? lines.Select(StripBullet) : text.Split(',').Select(p => p.Trim());
        return pieces.Where(p => p.Length > 0).Select(p => (object?)StripQuotes(p)).ToList().AsReadOnly();
    }

    internal static string CleanScalar(string s)
    {
        var t = StripCodeFence(s).Trim().Trim('*', '`').Trim();
        if (t.EndsWith('.') && t.Length > 1 && !char.IsDigit(t[^2]))
        {
            t = t[..^1];
        }

        return StripQuotes(t);
    }

    internal static string StripQuotes(string s)
    {
        var t = s.Trim();
        if (t.Length >= 2 && ((t[0] == '"' && t[^1] == '"') || (t[0] == '\'' && t[^1] == '\'')))
        {
            return t[1..^1];
        }

        return t;
    }

    private static bool IsBullet(string line) => line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal) || line.StartsWith("• ", StringComparison.Ordinal) || NumberedPrefixLength(line) > 0;

    private static string StripBullet(string line)
    {
        if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal) || line.StartsWith("• ", StringComparison.Ordinal))
        {
            return line[2..].Trim();
        }

        var n = NumberedPrefixLength(line);
        return n > 0 ? line[n..].Trim() : line;
    }

    private static int NumberedPrefixLength(string line)
    {
        var i = 0;
        while (i < line.Length && char.IsAsciiDigit(line[i]))
        {
            i++;
        }

        return i > 0 && i + 1 < line.Length && line[i] is '.' or ')' && line[i + 1] == ' ' ? i + 2 : 0;
    }

    /// <summary>Turns Python literal syntax (single-quoted strings, True/False/None) into JSON.</summary>
    private static string PythonLiteralToJson(string text)
    {
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var quote = c;
                sb.Append('"');
                i++;
                while (i < text.Length && text[i] != quote)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        if (text[i + 1] == '\'')
                        {
                            sb.Append('\'');
                        }
                        else
                        {
                            sb.Append('\\').Append(text[i + 1]);
                        }

                        i += 2;
                        continue;
                    }

                    sb.Append(text[i] == '"' ? "\\\"" : text[i].ToString());
                    i++;
                }

                sb.Append('"');
                i++;
                continue;
            }

            if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length && char.IsLetterOrDigit(text[i]))
                {
                    i++;
                }

                var word = text[start..i];
                sb.Append(word switch { "True" => "true", "False" => "false", "None" => "null", _ => word });
                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }
}
