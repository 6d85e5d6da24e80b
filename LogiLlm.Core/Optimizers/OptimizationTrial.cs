using System.Text.Json.Nodes;

namespace LogiLlm.Optimizers;

/// <summary>One evaluated candidate of an optimization run.</summary>
/// <param name="Number">Trial number, from 0 (the baseline).</param>
/// <param name="Phase">"baseline", "labeled", "bootstrap", "hyperparameters", "demos", "joint", ...</param>
/// <param name="Config">What the candidate was (parameter values, demo counts, iteration).</param>
/// <param name="Score">Mean metric score of the candidate on the evaluation set.</param>
/// <param name="Failures">Examples whose prediction failed.</param>
public sealed record OptimizationTrial(int Number, string Phase, JsonObject Config, double Score, int Failures)
{
    /// <inheritdoc />
    public override string ToString() => $"#{Number} {Phase} {Config.ToJsonString()} -> {Score:0.####}";
}
