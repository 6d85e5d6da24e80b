using System.Text.Json.Nodes;

namespace LogiLlm.Optimizers;

/// <summary>The best candidate of a hyperparameter search.</summary>
/// <param name="Module">The best module (the incumbent passed in when nothing beat it).</param>
/// <param name="Config">Its parameter values.</param>
/// <param name="Score">Its score.</param>
internal sealed record SearchOutcome(Module Module, JsonObject Config, double Score);
