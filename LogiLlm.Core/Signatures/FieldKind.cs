namespace LogiLlm.Signatures;

/// <summary>Whether a signature field is supplied by the caller or produced by the model.</summary>
public enum FieldKind
{
    /// <summary>A field the caller supplies.</summary>
    Input,

    /// <summary>A field the model produces.</summary>
    Output,
}
