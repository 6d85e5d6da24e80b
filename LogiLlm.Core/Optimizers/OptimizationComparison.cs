namespace LogiLlm.Optimizers;

/// <summary>
/// How an optimizer's result compares with a simpler one run on the same data and scored on the same set, so a
/// user sees the trade-off (e.g. BootstrapFewShot's 16 demos against LabeledFewShot with every training row).
/// </summary>
/// <param name="Optimizer">The optimizer compared with (e.g. "LabeledFewShot").</param>
/// <param name="Demos">Demos the compared module had.</param>
/// <param name="Score">Its score on the evaluation set.</param>
/// <param name="Difference">The result's best score minus <paramref name="Score"/> (negative: the simpler one scored higher).</param>
public sealed record OptimizationComparison(string Optimizer, int Demos, double Score, double Difference);
