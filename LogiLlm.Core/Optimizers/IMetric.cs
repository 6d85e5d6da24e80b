namespace LogiLlm.Optimizers;

/// <summary>
/// Scores a prediction against an example's expected outputs, in [0, 1] (1 = perfect).
/// Used by <see cref="Evaluator"/> and every optimizer. Implementations must be thread-safe
/// (predictions are scored concurrently) and should return 0 for a failed prediction.
/// </summary>
public interface IMetric
{
    /// <summary>A short name recorded in results and in the optimized module's lineage (e.g. "accuracy(category)").</summary>
    string Name { get; }

    /// <summary>The score of <paramref name="prediction"/> for <paramref name="example"/>, in [0, 1].</summary>
    double Score(Example example, Prediction prediction);
}
