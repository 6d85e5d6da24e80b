using BenchmarkDotNet.Running;
using LogiLlm.Benchmarks;

// dotnet run -c Release --project bench/LogiLlm.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project bench/LogiLlm.Benchmarks -- optimizers-wall [concurrency...]   (Stopwatch mode)
// dotnet run -c Release --project bench/LogiLlm.Benchmarks -- local-wall                          (Stopwatch mode)
if (args is ["local-wall", .. var rest])
{
    await LocalModelWallClock.RunAsync(rest);
    return;
}

if (args is ["optimizers-wall", .. var levels])
{
    await OptimizersWallClock.RunAsync(levels);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
