using System.Text.Json.Nodes;

namespace LogiLlm.Optimizers;

/// <summary>
/// What an optimizer returns: a new optimized module (the input module is never changed), its score against
/// the baseline, the trials that led there and metadata with the best configuration (<c>best_config</c>).
/// </summary>
public sealed class OptimizationResult
{
    /// <summary>Creates a result.</summary>
    public OptimizationResult(Module optimizedModule, double baselineScore, double bestScore, IReadOnlyList<OptimizationTrial> history, JsonObject metadata, TimeSpan duration, OptimizationComparison? comparison = null)
    {
        Comparison = comparison;
        ArgumentNullException.ThrowIfNull(optimizedModule);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(metadata);
        OptimizedModule = optimizedModule;
        BaselineScore = baselineScore;
        BestScore = bestScore;
        History = history;
        Metadata = metadata;
        Duration = duration;
    }

    /// <summary>The optimized module: a clone of the input in state <c>optimized</c>, with lineage in its <see cref="Module.Metadata"/> (<c>optimization</c>).</summary>
    public Module OptimizedModule { get; }

    /// <summary>Score of the input module on the evaluation set.</summary>
    public double BaselineScore { get; }

    /// <summary>Score of <see cref="OptimizedModule"/> on the evaluation set.</summary>
    public double BestScore { get; }

    /// <summary><see cref="BestScore"/> − <see cref="BaselineScore"/> (absolute, may be negative for demo optimizers).</summary>
    public double Improvement => BestScore - BaselineScore;

    /// <summary>Every evaluated candidate, in the order evaluated.</summary>
    public IReadOnlyList<OptimizationTrial> History { get; }

    /// <summary>Run metadata: <c>best_config</c> and the lineage fields also written to the module.</summary>
    public JsonObject Metadata { get; }

    /// <summary>
    /// How <see cref="BestScore"/> compares with a simpler optimizer on the same data (BootstrapFewShot: LabeledFewShot
    /// with every training row as a demo), or null when not measured. Also in <see cref="Metadata"/> as <c>comparison</c>.
    /// </summary>
    public OptimizationComparison? Comparison { get; }

    /// <summary>Wall time of the run.</summary>
    public TimeSpan Duration { get; }

    /// <summary>The best configuration found (<c>Metadata["best_config"]</c>).</summary>
    public JsonObject BestConfig => Metadata["best_config"] as JsonObject ?? [];

    /// <summary>The optimized module as <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidCastException">It is another module type.</exception>
    public T GetModule<T>()
        where T : Module => (T)OptimizedModule;

    /// <inheritdoc />
    public override string ToString() => $"{BaselineScore:0.####} -> {BestScore:0.####} ({Improvement:+0.####;-0.####;0}) in {History.Count} trials";
}
