using LogiLlm.LocalModel;
using LogiLlm.Optimizers;

namespace LogiLlm.Trainer.Jobs;

/// <summary>The sample datasets shipped in <c>LogiLlm.LocalModel</c> (<see cref="SampleDatasets"/>), read once.</summary>
public sealed class SampleDatasetCatalog : ISampleDatasets
{
    private readonly Lazy<IReadOnlyDictionary<string, TrainingSample>> _samples = new(() =>
        SampleDatasets.Names.ToDictionary(name => name, Load, StringComparer.Ordinal));

    /// <inheritdoc />
    public IReadOnlyCollection<string> Names => SampleDatasets.Names;

    /// <inheritdoc />
    public TrainingSample? Find(string name) => _samples.Value.GetValueOrDefault(name);

    private static TrainingSample Load(string name)
    {
        var sample = SampleDatasets.Get(name);
        return new TrainingSample(sample.Name, sample.Signature, sample.Train().Select(Example.FromJson).ToArray(), sample.Dev().Select(Example.FromJson).ToArray());
    }
}
