namespace LogiLlm.Adapters;

/// <summary>A model reply could not be read into the output fields of a signature.</summary>
public sealed class AdapterParseException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="adapterName">Wire name of the adapter that failed.</param>
    /// <param name="message">What is wrong, naming the field(s).</param>
    /// <param name="completion">The reply text.</param>
    /// <param name="fieldName">The field at fault, when a single one is.</param>
    /// <param name="innerException">The underlying error (e.g. a <see cref="Signatures.FieldConversionException"/>).</param>
    public AdapterParseException(string adapterName, string message, string? completion = null, string? fieldName = null, Exception? innerException = null)
        : base(message, innerException)
    {
        AdapterName = adapterName;
        Completion = completion;
        FieldName = fieldName;
    }

    /// <summary>Wire name of the adapter that failed.</summary>
    public string AdapterName { get; }

    /// <summary>The reply text that could not be parsed.</summary>
    public string? Completion { get; }

    /// <summary>The field at fault, when a single one is.</summary>
    public string? FieldName { get; }
}
