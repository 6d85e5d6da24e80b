namespace LogiLlm.Optimizers;

/// <summary>The kind of a searchable hyperparameter.</summary>
public enum ParameterKind
{
    /// <summary>A real number in [min, max].</summary>
    Float,

    /// <summary>An integer in [min, max].</summary>
    Int,

    /// <summary>One of a list of values.</summary>
    Categorical,
}
