namespace LogiLlm.Optimizers;

/// <summary>How <see cref="HyperparameterOptimizer"/> picks configurations to try.</summary>
public enum SearchStrategy
{
    /// <summary>Independent seeded random draws from the space.</summary>
    Random,

    /// <summary>The grid of each parameter's evenly spaced values (a seeded subset when it exceeds the trial budget).</summary>
    Grid,
}
