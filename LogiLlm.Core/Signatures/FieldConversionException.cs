namespace LogiLlm.Signatures;

/// <summary>A value cannot be converted to the declared type of a field.</summary>
public sealed class FieldConversionException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fieldPath">Field name, with an element path for nested values (e.g. <c>tags[2]</c>).</param>
    /// <param name="expectedType">The declared type.</param>
    /// <param name="valuePreview">A short preview of the offending value.</param>
    /// <param name="reason">Why it failed.</param>
    public FieldConversionException(string fieldPath, FieldType expectedType, string valuePreview, string reason)
        : base($"Field '{fieldPath}' expects {expectedType} but got {valuePreview}: {reason}.")
    {
        FieldPath = fieldPath;
        ExpectedType = expectedType;
        ValuePreview = valuePreview;
        Reason = reason;
    }

    /// <summary>Field name, with an element path for nested values (e.g. <c>tags[2]</c>).</summary>
    public string FieldPath { get; }

    /// <summary>The top-level field name (the part of <see cref="FieldPath"/> before any <c>[</c>).</summary>
    public string FieldName => FieldPath.Split('[')[0];

    /// <summary>The declared type that the value did not fit.</summary>
    public FieldType ExpectedType { get; }

    /// <summary>A short preview of the value.</summary>
    public string ValuePreview { get; }

    /// <summary>Why the conversion failed.</summary>
    public string Reason { get; }
}
