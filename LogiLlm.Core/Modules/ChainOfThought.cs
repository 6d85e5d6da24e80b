using LogiLlm.Persistence;
using LogiLlm.Signatures;

namespace LogiLlm;

/// <summary>
/// A <see cref="Predict"/> that asks the model to reason first: the signature gets the output field
/// <c>reasoning</c> (str, "Let's think step by step to solve this problem.") in first position, unless it
/// already has it (as a signature loaded from a file does).
/// </summary>
public class ChainOfThought : Predict
{
    /// <summary>Name of the added output field.</summary>
    public const string ReasoningField = "reasoning";

    /// <summary>Description of the added output field.</summary>
    public const string ReasoningDescription = "Let's think step by step to solve this problem.";

    /// <summary>A chain-of-thought module for a signature string such as <c>"question -> answer"</c>.</summary>
    public ChainOfThought(string signature)
        : this(Signature.Parse(signature))
    {
    }

    /// <summary>A chain-of-thought module for <paramref name="signature"/>.</summary>
    /// <exception cref="ArgumentException">The signature has an input field called <c>reasoning</c>.</exception>
    public ChainOfThought(Signature signature)
        : base(WithReasoning(signature), "ChainOfThought")
    {
    }

    /// <summary>Loads a ChainOfThought module saved at <paramref name="path"/>.</summary>
    /// <exception cref="PersistenceException">The file cannot be loaded or holds another module type.</exception>
    public static new ChainOfThought Load(string path, LoadOptions? options = null) => ModuleLoader.Load<ChainOfThought>(path, options);

    /// <inheritdoc />
    public override Module Clone() => CopyStateTo(new ChainOfThought(RequireSignature()));

    /// <summary><paramref name="signature"/> with the <c>reasoning</c> output first (unchanged when it has one).</summary>
    public static Signature WithReasoning(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var existing = signature.GetField(ReasoningField);
        if (existing is null)
        {
            return signature.PrependOutput(new FieldSpec(ReasoningField, FieldKind.Output, FieldType.Str) { Description = ReasoningDescription });
        }

        if (existing.Kind == FieldKind.Input)
        {
            throw new ArgumentException($"A ChainOfThought signature cannot have an input field named '{ReasoningField}'.", nameof(signature));
        }

        return signature;
    }
}
