namespace LogiLlm.Signatures;

/// <summary>
/// Thrown when a signature string or a type expression is malformed. <see cref="Position"/> is the
/// zero-based character offset in <see cref="Text"/> where parsing failed.
/// </summary>
public sealed class SignatureParseException : FormatException
{
    /// <summary>Creates an exception for a parse failure at <paramref name="position"/> of <paramref name="text"/>.</summary>
    /// <param name="text">The full text being parsed.</param>
    /// <param name="position">Zero-based offset of the failure.</param>
    /// <param name="problem">What was expected or found, e.g. "expected a type after ':'".</param>
    public SignatureParseException(string text, int position, string problem)
        : base($"Invalid signature at position {position}: {problem} (in \"{Excerpt(text, position)}\").")
    {
        Text = text;
        Position = position;
        Problem = problem;
    }

    private const int ExcerptRadius = 60;

    /// <summary>The text being parsed.</summary>
    public string Text { get; }

    /// <summary>Zero-based character offset in <see cref="Text"/> where the problem was found.</summary>
    public int Position { get; }

    /// <summary>The problem, without position or text, e.g. "expected '->' between inputs and outputs".</summary>
    public string Problem { get; }

    /// <summary>The text, or for long (possibly hostile) text the part around the failure, so messages stay short.</summary>
    private static string Excerpt(string text, int position)
    {
        if (text.Length <= 2 * ExcerptRadius)
        {
            return text;
        }

        var start = Math.Clamp(position - ExcerptRadius, 0, text.Length);
        var end = Math.Clamp(position + ExcerptRadius, start, text.Length);
        return $"{(start > 0 ? "..." : "")}{text[start..end]}{(end < text.Length ? "..." : "")}";
    }
}
