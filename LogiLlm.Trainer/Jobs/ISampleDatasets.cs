using LogiLlm.Optimizers;

namespace LogiLlm.Trainer.Jobs;

/// <summary>The labelled datasets shipped with the product that a job can name instead of sending inline sets.</summary>
public interface ISampleDatasets
{
    /// <summary>Names of the available samples.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>Finds a sample by name, or null.</summary>
    TrainingSample? Find(string name);
}

/// <summary>A shipped dataset as training uses it.</summary>
/// <param name="Name">Its name (e.g. <c>emails</c>).</param>
/// <param name="Signature">The signature it was written for (used when a job gives none).</param>
/// <param name="Train">Training examples.</param>
/// <param name="Dev">Validation examples.</param>
public sealed record TrainingSample(string Name, string Signature, IReadOnlyList<Example> Train, IReadOnlyList<Example> Dev);
