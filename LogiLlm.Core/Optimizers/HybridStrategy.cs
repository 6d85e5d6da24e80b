namespace LogiLlm.Optimizers;

/// <summary>How <see cref="HybridOptimizer"/> combines demo and hyperparameter optimization.</summary>
public enum HybridStrategy
{
    /// <summary>Bootstrap demos, then search hyperparameters with them, and repeat until no iteration improves.</summary>
    Alternating,

    /// <summary>Bootstrap a pool of demos once, then search hyperparameters and the number of demos together.</summary>
    Joint,

    /// <summary>Search hyperparameters first, then bootstrap demos with the best ones.</summary>
    Sequential,
}
