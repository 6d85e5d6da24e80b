namespace LogiLlm.Optimizers;

/// <summary>The outcome of running a module on one example.</summary>
/// <param name="Index">Position of the example in the evaluated dataset.</param>
/// <param name="Example">The example.</param>
/// <param name="Prediction">The prediction (null when the call threw).</param>
/// <param name="Score">The metric score in [0, 1]; 0 for a failure.</param>
/// <param name="Error">Why the example failed (a failed prediction, a provider or metric exception); null on success.</param>
public sealed record ExampleResult(int Index, Example Example, Prediction? Prediction, double Score, string? Error)
{
    /// <summary>True when the module answered and the metric ran.</summary>
    public bool Succeeded => Error is null;
}
