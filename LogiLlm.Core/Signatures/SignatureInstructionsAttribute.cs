namespace LogiLlm.Signatures;

/// <summary>Instructions (the task description) of a class-based signature.</summary>
/// <param name="instructions">The instructions shown to the model.</param>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class SignatureInstructionsAttribute(string instructions) : Attribute
{
    /// <summary>The instructions shown to the model.</summary>
    public string Instructions { get; } = instructions;
}
