namespace LogiLlm.Optimizers;

/// <summary>Progress of an evaluation, reported after each example completes.</summary>
/// <param name="Completed">Examples finished so far.</param>
/// <param name="Total">Examples to evaluate.</param>
/// <param name="Failures">Failures so far.</param>
/// <param name="ScoreSum">Sum of the scores so far (mean so far = ScoreSum / Completed).</param>
public readonly record struct EvaluationProgress(int Completed, int Total, int Failures, double ScoreSum);
