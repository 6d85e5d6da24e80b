using Microsoft.Extensions.Logging;

namespace LogiLlm.Optimizers;

/// <summary>Settings shared by all optimizers: parallelism, seed, progress and logging.</summary>
public sealed class OptimizerOptions
{
    private int _maxConcurrency = 4;

    /// <summary>Most model calls in flight at once (default 4).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Less than 1.</exception>
    public int MaxConcurrency
    {
        get => _maxConcurrency;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxConcurrency = value;
        }
    }

    /// <summary>Seed of the optimizer's <see cref="Random"/> (sampling demos and parameters); same seed + deterministic model = same result. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>Receives a report after each trial (null = none).</summary>
    public IProgress<OptimizationProgress>? Progress { get; set; }

    /// <summary>Receives start/finish information, per-trial debug lines and warnings (null = none).</summary>
    public ILogger? Logger { get; set; }
}
