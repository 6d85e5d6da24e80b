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
public sealed record TrainingOutcome(Module Module, double BaselineScore, double BestScore, double Improvement, int Trials = 0);
