using System.Text.Json.Nodes;

namespace LogiLlm.Optimizers;

/// <summary>What an optimizer's core step produces; <see cref="Optimizer"/> adds history, lineage and timing.</summary>
/// <param name="OptimizedModule">The optimized module (a new instance).</param>
/// <param name="BaselineScore">Score of the input module.</param>
/// <param name="BestScore">Score of <paramref name="OptimizedModule"/>.</param>
/// <param name="BestConfig">The configuration of <paramref name="OptimizedModule"/>.</param>
/// <param name="Comparison">How the result compares with a simpler optimizer on the same data, when measured.</param>
public sealed record OptimizationOutcome(Module OptimizedModule, double BaselineScore, double BestScore, JsonObject BestConfig, OptimizationComparison? Comparison = null);
