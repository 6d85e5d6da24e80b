using System.Diagnostics;
using System.Globalization;
using LogiLlm.LocalModel;

namespace LogiLlm.Benchmarks;

/// <summary>
/// Stopwatch mode (<c>dotnet run -c Release --project bench/LogiLlm.Benchmarks -- local-wall [calls] [concurrency...]</c>):
/// load time of the MiniLM network, latency of Predict calls on the local provider (zero-shot and with the
/// 72 emails train demos, new inputs so the embedding cache does not answer), and throughput at each concurrency.
/// </summary>
public static class LocalModelWallClock
{
    /// <summary>Runs the measurement; args: number of calls per row (default 72), then concurrency levels (default 1 2 4).</summary>
    public static async Task RunAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 72;
        var levels = args.Length > 1 ? args.Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 2, 4];

        var watch = Stopwatch.StartNew();
        var embedder = SentenceEmbedder.Shared;
        watch.Stop();
        Console.WriteLine(Line($"load: {watch.Elapsed.TotalMilliseconds:0} ms wall (network + one warm-up encoding: {embedder.LoadTime.TotalMilliseconds:0} ms), {Environment.ProcessorCount} cores"));

        var counter = 0;
        foreach (var fewShot in new[] { false, true })
        {
            var module = LocalModelBenchSupport.Classifier(fewShot);
            watch.Restart();
            await module.InvokeAsync(LocalModelBenchSupport.Inputs(LocalModelBenchSupport.UniqueEmail(counter++))).ConfigureAwait(false);
            watch.Stop();
            var name = fewShot ? "72 demos" : "zero-shot";
            Console.WriteLine(Line($"{name}: first call {watch.Elapsed.TotalMilliseconds:0} ms (embeds the demos / label names once)"));

            var latencies = new List<double>();
            for (var i = 0; i < calls; i++)
            {
                var one = Stopwatch.StartNew();
                await module.InvokeAsync(LocalModelBenchSupport.Inputs(LocalModelBenchSupport.UniqueEmail(counter++))).ConfigureAwait(false);
                latencies.Add(one.Elapsed.TotalMilliseconds);
            }

            latencies.Sort();
            Console.WriteLine(Line($"{name}: latency over {calls} new inputs: median {latencies[latencies.Count / 2]:0.0} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:0.0} ms, mean {latencies.Average():0.0} ms"));

            foreach (var concurrency in levels)
            {
                var start = counter;
                counter += calls;
                watch.Restart();
                await Parallel.ForAsync(0, calls, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
                    await module.InvokeAsync(LocalModelBenchSupport.Inputs(LocalModelBenchSupport.UniqueEmail(start + i)), ct).ConfigureAwait(false)).ConfigureAwait(false);
                watch.Stop();
                Console.WriteLine(Line($"{name}: throughput at concurrency {concurrency}: {calls / watch.Elapsed.TotalSeconds:0.0} calls/s ({calls} calls in {watch.Elapsed.TotalMilliseconds:0} ms)"));
            }
        }

        Console.WriteLine(Line($"embeddings computed: {embedder.EncodedTexts}, cached: {embedder.CachedTexts}"));
    }

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
