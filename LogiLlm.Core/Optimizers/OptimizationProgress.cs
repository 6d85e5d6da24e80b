namespace LogiLlm.Optimizers;

/// <summary>Progress of an optimization, reported after each trial (one evaluation of a candidate module).</summary>
/// <param name="Phase">What the trial was ("baseline", "bootstrap", "hyperparameters", ...).</param>
/// <param name="Completed">Trials finished.</param>
/// <param name="Total">Trials planned (an estimate when the optimizer may stop early or add steps).</param>
/// <param name="BestScore">Best score so far.</param>
public readonly record struct OptimizationProgress(string Phase, int Completed, int Total, double BestScore);
