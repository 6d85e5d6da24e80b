using BenchmarkDotNet.Attributes;
using LogiLlm.LocalModel;

namespace LogiLlm.Benchmarks;

/// <summary>
/// The offline model's cost per call: one MiniLM embedding of a new input (the baseline, ratio 1.0) against a
/// whole Predict call zero-shot and with 72 demos (demo embeddings cached after the first call, so the extra
/// cost is prompt formatting, reading, token counting and the centroid vote). Load time is in
/// <see cref="LocalModelWallClock"/> (a one-off that BenchmarkDotNet's warm-up would hide).
/// </summary>
[MemoryDiagnoser]
public class LocalModelBenchmarks
{
    private Predict _zeroShot = null!;
    private Predict _fewShot = null!;
    private int _counter;

    [GlobalSetup]
    public void Setup()
    {
        _ = SentenceEmbedder.Shared;
        _zeroShot = LocalModelBenchSupport.Classifier(fewShot: false);
        _fewShot = LocalModelBenchSupport.Classifier(fewShot: true);
        _fewShot.InvokeAsync(LocalModelBenchSupport.Inputs("warm-up")).GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "embed one new short text")]
    public float[] EmbedNewText() => SentenceEmbedder.Shared.Embed(LocalModelBenchSupport.UniqueEmail(Interlocked.Increment(ref _counter)));

    [Benchmark(Description = "Predict zero-shot (new input)")]
    public Task<Prediction> PredictZeroShot() =>
        _zeroShot.InvokeAsync(LocalModelBenchSupport.Inputs(LocalModelBenchSupport.UniqueEmail(Interlocked.Increment(ref _counter))));

    [Benchmark(Description = "Predict with 72 demos (new input)")]
    public Task<Prediction> PredictFewShot() =>
        _fewShot.InvokeAsync(LocalModelBenchSupport.Inputs(LocalModelBenchSupport.UniqueEmail(Interlocked.Increment(ref _counter))));
}
