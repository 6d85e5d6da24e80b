using BenchmarkDotNet.Attributes;
using LogiLlm.Optimizers;
using LogiLlm.Tests.Shared;

namespace LogiLlm.Benchmarks;

/// <summary>
/// BootstrapFewShot over 200 examples with a model taking 20 ms per call, against the ideal of the same number
/// of calls perfectly packed into the concurrency limit (<c>calls × 20 ms / concurrency</c>, the baseline).
/// A ratio near 1 means the optimizer keeps every slot busy.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class OptimizersBenchmarks
{
    private readonly DelegateChatClient _client = OptimizersBenchSupport.LatencyChatClient();
    private IReadOnlyList<Example> _dataset = null!;
    private TimeSpan _ideal;

    [Params(8)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dataset = OptimizersBenchSupport.Emails();
        _client.Reset();
        OptimizersBenchSupport.Optimizer(Concurrency).OptimizeAsync(OptimizersBenchSupport.Classifier(_client), _dataset).GetAwaiter().GetResult();
        _ideal = TimeSpan.FromMilliseconds((double)_client.Calls * OptimizersBenchSupport.CallMilliseconds / Concurrency);
    }

    [Benchmark(Baseline = true, Description = "ideal: calls x 20 ms / concurrency")]
    public Task Ideal() => Task.Delay(_ideal);

    [Benchmark(Description = "BootstrapFewShot, 200 examples")]
    public Task<OptimizationResult> Bootstrap() =>
        OptimizersBenchSupport.Optimizer(Concurrency).OptimizeAsync(OptimizersBenchSupport.Classifier(_client), _dataset);
}
