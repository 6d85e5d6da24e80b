using BenchmarkDotNet.Running;
using LogiLlm.Benchmarks;

// dotnet run -c Release --project bench/LogiLlm.Benchmarks -- --filter '*' [--job short]
// dotnet run -c Release --project bench/LogiLlm.Benchmarks -- optimizers-wall [concurrency...]   (Stopwatch mode)
// dotnet run -c Release --project bench/LogiLlm.Benchmarks -- local-wall                          (Stopwatch mode)
// dotnet run -c Release --project bench/LogiLlm.Benchmarks -- persistence-wall [rounds]            (load/save ratios, interleaved)
// dotnet run -c Release --project bench/LogiLlm.Benchmarks -- serve-load [--workers 16] [--seconds 10] [--no-build] [--wrk]   (HTTP load, from the repo root)
if (args is ["local-wall", .. var rest])
{
    await LocalModelWallClock.RunAsync(rest);
    return;
}

if (args is ["persistence-wall", .. var persistenceArgs])
{
    PersistenceWallClock.Run(persistenceArgs);
    return;
}

if (args is ["optimizers-wall", .. var levels])
{
    await OptimizersWallClock.RunAsync(levels);
    return;
}

if (args is ["serve-load", .. var serveArgs])
{
    Environment.ExitCode = await ServeLoad.RunAsync(serveArgs);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
