namespace LogiLlm.LocalModel;

/// <summary>
/// Finds a label set written in prose, for a <c>str</c> output with no demos: quoted or back-ticked names
/// (<c>'billing_issue'</c>, <c>`feedback`</c>), or a list after a cue such as "one of:", "categories:",
/// "labels:", "choose from" (<c>one of: cancellation, order_status or feedback</c>). A linear scan, no regular
/// expressions, bounded input: prompts are untrusted text.
/// </summary>
internal static class LabelListReader
{
    /// <summary>Longest text scanned (characters); the rest is ignored.</summary>
    public const int MaxText = 8_000;

    private const int MaxLabel = 40;
    private const int MaxLabels = 50;

    private static readonly string[] Cues =
        ["one of", "labels", "label", "categories", "category", "classes", "class", "options", "choose from", "choices", "either", "values"];

    /// <summary>The labels in <paramref name="text"/> (two or more, in order, without duplicates), or an empty list.</summary>
    /// <param name="text">A field description or the instructions.</param>
    /// <param name="exclude">Names never taken as labels (the signature's field names).</param>
    public static IReadOnlyList<string> Read(string? text, IReadOnlyCollection<string> exclude)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var span = text.Length > MaxText ? text[..MaxText] : text;
        var quoted = Distinct(Quoted(span), exclude);
        return quoted.Count >= 2 ? quoted : Distinct(AfterCue(span), exclude);
    }

    private static IEnumerable<string> Quoted(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var open = text[i];
            if (open is not ('\'' or '"' or '`'))
            {
                continue;
            }

            // An apostrophe inside a word ("don't") opens nothing.
            if (open == '\'' && i > 0 && char.IsLetterOrDigit(text[i - 1]))
            {
                continue;
            }

            var close = text.IndexOf(open, i + 1);
            if (close < 0)
            {
                yield break;
            }

            var value = text[(i + 1)..close];
            if (value.Length is > 0 and <= MaxLabel && !value.Contains('\n'))
            {
                yield return value.Trim();
                i = close;
            }
        }
    }

    private static IEnumerable<string> AfterCue(string text)
    {
        foreach (var cue in Cues)
        {
            for (var at = text.IndexOf(cue, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(cue, at + cue.Length, StringComparison.OrdinalIgnoreCase))
            {
                var start = at + cue.Length;
                if ((at > 0 && char.IsLetter(text[at - 1])) || (start < text.Length && char.IsLetter(text[start])))
                {
                    continue; // part of a longer word
                }

                var items = ListAt(text, start);
                if (items.Count >= 2)
                {
                    return items;
                }
            }
        }

        return [];
    }

    /// <summary>The list from <paramref name="start"/> (after an optional ':') to the end of the sentence, split on ',', ';', '|', '/', " or ", " and ".</summary>
    private static List<string> ListAt(string text, int start)
    {
        var i = start;
        while (i < text.Length && (text[i] is ' ' or '\t' or ':' or '-' or '('))
        {
            i++;
        }

        var end = i;
        while (end < text.Length && text[end] != '\n' && !(text[end] is '.' or ')' && (end + 1 == text.Length || char.IsWhiteSpace(text[end + 1]))))
        {
            end++;
        }

        var list = text[i..end]
            .Replace(" or ", ",", StringComparison.OrdinalIgnoreCase)
            .Replace(" and ", ",", StringComparison.OrdinalIgnoreCase)
            .Split([',', ';', '|', '/'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => item.Trim('\'', '"', '`', '*', ' '))
            .ToList();

        // A sentence is not a list: every item must be a short name (at most three words).
        return list.Count >= 2 && list.All(item => item.Length is > 0 and <= MaxLabel && item.Count(c => c == ' ') <= 2) ? list : [];
    }

    private static List<string> Distinct(IEnumerable<string> labels, IReadOnlyCollection<string> exclude)
    {
        var result = new List<string>();
        foreach (var label in labels)
        {
            if (label.Length > 0 && !exclude.Contains(label) && !result.Contains(label, StringComparer.Ordinal))
            {
                result.Add(label);
                if (result.Count == MaxLabels)
                {
                    break;
                }
            }
        }

        return result;
    }
}
