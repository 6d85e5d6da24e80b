namespace LogiLlm.Trainer.Jobs;

/// <summary>Runs the optimization of one validated job (the seam between the job machinery and the optimizers).</summary>
public interface ITrainingRunner
{
    /// <summary>Builds the module of <paramref name="spec"/>, optimizes it and scores it.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<TrainingOutcome> RunAsync(TrainingJobSpec spec, IProgress<TrainingProgress> progress, CancellationToken cancellationToken);
}

/// <summary>The optimized module and its scores.</summary>
/// <param name="Module">The optimized module, with its lineage in <see cref="LogiLlm.Module.Metadata"/>.</param>
/// <param name="BaselineScore">Validation score before optimization.</param>
/// <param name="BestScore">Validation score after.</param>
/// <param name="Improvement">Best minus baseline.</param>
/// <param name="Trials">Candidates evaluated.</param>
/// <param name="Comparison">How the score compares with a simpler optimizer on the same data, when measured.</param>
public sealed record TrainingOutcome(Module Module, double BaselineScore, double BestScore, double Improvement, int Trials = 0, TrainingComparison? Comparison = null);

/// <summary>A job result's comparison with a simpler optimizer (BootstrapFewShot: LabeledFewShot with every training row).</summary>
/// <param name="Optimizer">The optimizer compared with, e.g. <c>labeled-few-shot</c>.</param>
/// <param name="Demos">Its demo count.</param>
/// <param name="Score">Its score on the same evaluation set.</param>
/// <param name="Difference">The job's best score minus <paramref name="Score"/>.</param>
public sealed record TrainingComparison(string Optimizer, int Demos, double Score, double Difference);
