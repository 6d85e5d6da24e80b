using System.Diagnostics;
using System.Globalization;

namespace LogiLlm.Benchmarks;

/// <summary>
/// Stopwatch mode (<c>dotnet run -c Release --project bench/LogiLlm.Benchmarks -- optimizers-wall [concurrency...]</c>):
/// BootstrapFewShot over 200 examples with a 20 ms model; prints calls, wall time, the ideal
/// <c>calls × 20 ms / concurrency</c> and their ratio (aim: ≤ 1.5).
/// </summary>
public static class OptimizersWallClock
{
    /// <summary>Runs the measurement for each concurrency given (default 8), after one warm-up run.</summary>
    public static async Task RunAsync(string[] args)
    {
        var levels = args.Length == 0 ? [8] : args.Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
        var dataset = OptimizersBenchSupport.Emails();
        var client = OptimizersBenchSupport.LatencyChatClient();
        await OptimizersBenchSupport.Optimizer(8).OptimizeAsync(OptimizersBenchSupport.Classifier(client), dataset).ConfigureAwait(false);

        Console.WriteLine($"BootstrapFewShot, {dataset.Count} examples, model {OptimizersBenchSupport.CallMilliseconds} ms/call");
        Console.WriteLine("concurrency  calls   wall ms  ideal ms  ratio  baseline -> best");
        foreach (var concurrency in levels)
        {
            client.Reset();
            var watch = Stopwatch.StartNew();
            var result = await OptimizersBenchSupport.Optimizer(concurrency).OptimizeAsync(OptimizersBenchSupport.Classifier(client), dataset).ConfigureAwait(false);
            watch.Stop();
            var ideal = (double)client.Calls * OptimizersBenchSupport.CallMilliseconds / concurrency;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{concurrency,11}  {client.Calls,5}  {watch.Elapsed.TotalMilliseconds,8:0}  {ideal,8:0}  {watch.Elapsed.TotalMilliseconds / ideal,5:0.00}  {result.BaselineScore:0.##} -> {result.BestScore:0.##}"));
        }
    }
}
