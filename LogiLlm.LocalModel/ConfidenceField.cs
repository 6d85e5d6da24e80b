using LogiLlm.Signatures;

namespace LogiLlm.LocalModel;

/// <summary>
/// Which outputs are the model's own confidence, which it can answer (grounded) rather than copy or invent:
/// a <c>float</c> named like <c>confidence</c>, <c>probability</c>, <c>certainty</c>, <c>likelihood</c> or
/// <c>score</c> (also as a part: <c>category_confidence</c>), or whose description says so; an <c>int</c> that is
/// a percentage (<c>confidence_pct</c>, "in percent", "0-100"); a <c>bool</c> named <c>confident</c>, <c>sure</c>
/// or <c>certain</c>. Demo values outside the field's range (a sentiment <c>score</c> of -0.4) show it is not one.
/// </summary>
internal static class ConfidenceField
{
    private static readonly string[] FloatWords = ["confidence", "probability", "prob", "certainty", "likelihood", "score"];
    private static readonly string[] DescriptionWords = ["confidence", "probability", "certainty", "likelihood", "how sure", "how certain"];
    private static readonly string[] PercentWords = ["percent", "percentage", "pct"];
    private static readonly string[] BoolWords = ["confident", "sure", "certain"];

    /// <summary>How a grounded field is written.</summary>
    public enum Kind
    {
        /// <summary>Not a confidence.</summary>
        None,

        /// <summary>A probability in [0, 1].</summary>
        Probability,

        /// <summary>A whole percentage, 0 to 100.</summary>
        Percent,

        /// <summary>True when the confidence is at least one half.</summary>
        Flag,
    }

    /// <summary>The kind of confidence <paramref name="field"/> is, given the values demos show for it.</summary>
    public static Kind Of(FieldSpec field, IEnumerable<object?> demoValues)
    {
        var words = Words(field.Name);
        var description = field.Description ?? string.Empty;
        var describes = DescriptionWords.Any(w => description.Contains(w, StringComparison.OrdinalIgnoreCase));
        var kind = field.Type.Unwrapped.Name switch
        {
            "float" when describes || words.Any(w => FloatWords.Contains(w)) => Kind.Probability,
            "int" when (describes || words.Any(w => FloatWords.Contains(w) || PercentWords.Contains(w)))
                && (words.Any(w => PercentWords.Contains(w)) || PercentWords.Any(w => description.Contains(w, StringComparison.OrdinalIgnoreCase))
                    || description.Contains("0-100", StringComparison.Ordinal) || description.Contains("0 to 100", StringComparison.OrdinalIgnoreCase)) => Kind.Percent,
            "bool" when words.Any(w => BoolWords.Contains(w)) => Kind.Flag,
            _ => Kind.None,
        };

        var (low, high) = kind == Kind.Percent ? (0.0, 100.0) : (0.0, 1.0);
        if (kind is Kind.Probability or Kind.Percent && demoValues.Any(v => v is IConvertible c and not string && !InRange(c, low, high)))
        {
            return Kind.None;
        }

        return kind;
    }

    /// <summary>The value of a <paramref name="kind"/> field for <paramref name="confidence"/> in [0, 1].</summary>
    public static object Value(Kind kind, double confidence) => kind switch
    {
        Kind.Percent => (long)Math.Round(100 * confidence, MidpointRounding.AwayFromZero),
        Kind.Flag => confidence >= 0.5,
        _ => Math.Round(confidence, 4),
    };

    /// <summary>The lower-case words of a field name: <c>categoryConfidence</c> and <c>category_confidence</c> give category, confidence.</summary>
    public static IReadOnlyList<string> Words(string name)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) || (char.IsUpper(c) && current.Length > 0 && !char.IsUpper(current[^1])))
            {
                if (current.Length > 0)
                {
                    words.Add(current.ToString().ToLowerInvariant());
                    current.Clear();
                }
            }

            if (char.IsLetterOrDigit(c))
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            words.Add(current.ToString().ToLowerInvariant());
        }

        return words;
    }

    private static bool InRange(IConvertible value, double low, double high)
    {
        try
        {
            var number = value.ToDouble(System.Globalization.CultureInfo.InvariantCulture);
            return number >= low && number <= high;
        }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            return true;
        }
    }
}
