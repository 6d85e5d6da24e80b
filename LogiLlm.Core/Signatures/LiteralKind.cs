namespace LogiLlm.Signatures;

/// <summary>The Python kind of one value of a <c>Literal[...]</c> type.</summary>
public enum LiteralKind
{
    /// <summary>A quoted string, e.g. <c>'billing'</c>.</summary>
    String,

    /// <summary>An integer, e.g. <c>1</c>.</summary>
    Integer,

    /// <summary>A decimal number, e.g. <c>0.5</c>.</summary>
    Float,

    /// <summary><c>True</c> or <c>False</c>.</summary>
    Boolean,

    /// <summary><c>None</c>.</summary>
    None,
}
