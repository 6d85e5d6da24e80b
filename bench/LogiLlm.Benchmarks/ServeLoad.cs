using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LogiLlm.Benchmarks;

/// <summary>
/// Stopwatch mode <c>serve-load</c> (<c>dotnet run -c Release --project bench/LogiLlm.Benchmarks -- serve-load</c>,
/// from the repo root): builds the trainer and inference in Release, starts a throw-away redis-server and both
/// services as child processes on loopback (mock provider), imports the Python LogiLLM fixture
/// <c>optimized.json</c>, warms the module cache, then loads <c>GET /alive</c> and
/// <c>POST /api/modules/email-classifier/predict</c> of the same inference process alternately (A B A B), then the
/// same prediction of a temperature-0 copy (<c>cached</c>: answered by the response cache), and prints requests/s, p50
/// and p99 of each and the ratio predict_rps / alive_rps (aim: ≥ 0.8). <c>PredictionCache__MemoryEntries=0</c> in the
/// environment (inherited by the services) measures the cache without its memory layer.
/// Options: <c>--workers N</c> (16), <c>--seconds S</c> measured per phase (10), <c>--warmup S</c> (2),
/// <c>--rounds R</c> (2), <c>--no-build</c> (use the dlls already built), <c>--wrk</c> (also run <c>wrk</c> when on PATH).
/// </summary>
public static class ServeLoad
{
    private const string ModuleName = "email-classifier";
    private const string CachedModuleName = "email-classifier-t0";
    private const string PredictBody = """{"inputs":{"email":"Where is my order?"}}""";
    private const string FixtureRelative = "shared/fixtures/logillm-py-0.2.17/optimized.json";
    private const double RatioAim = 0.8;

    private sealed record Options(int Workers, double Seconds, double Warmup, int Rounds, bool Build, bool Wrk);

    /// <summary>Runs the whole measurement; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        Options options;
        try
        {
            options = Parse(args);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException)
        {
            Console.Error.WriteLine($"serve-load: {ex.Message}");
            Console.Error.WriteLine("usage: serve-load [--workers 16] [--seconds 10] [--warmup 2] [--rounds 2] [--no-build] [--wrk]");
            return 2;
        }

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;

        using var processes = new ServeLoadProcesses();
        EventHandler onExit = (_, _) => processes.Dispose();
        AppDomain.CurrentDomain.ProcessExit += onExit;

        var temp = Directory.CreateTempSubdirectory("logillm-serve-load-");
        try
        {
            return await RunAsync(options, processes, temp.FullName, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Console.Error.WriteLine("serve-load: cancelled.");
            return 130;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"serve-load failed: {ex.Message}");
            return 1;
        }
        finally
        {
            processes.Dispose();
            AppDomain.CurrentDomain.ProcessExit -= onExit;
            Console.CancelKeyPress -= onCancel;
            try
            {
                temp.Delete(recursive: true);
            }
            catch (IOException ex)
            {
                Console.Error.WriteLine($"could not delete {temp.FullName}: {ex.Message}");
            }
        }
    }

    private static async Task<int> RunAsync(Options options, ServeLoadProcesses processes, string temp, CancellationToken cancellationToken)
    {
        var repo = FindRepoRoot();
        var fixture = FindUpwards(repo, FixtureRelative)
            ?? throw new InvalidOperationException($"{FixtureRelative} was not found in {repo} or any folder above it.");
        var (artifacts, artifactsOverride) = ArtifactsRoot(repo);

        Console.WriteLine($"serve-load: {options.Workers} workers, warm-up {options.Warmup:0.#} s + measured {options.Seconds:0.#} s per phase, {options.Rounds} rounds (alive, predict), {Environment.ProcessorCount} cores, load average {LoadAverage()}");

        var trainerProject = Path.Combine(repo, "LogiLlm.Trainer", "LogiLlm.Trainer.csproj");
        var inferenceProject = Path.Combine(repo, "LogiLlm.Inference", "LogiLlm.Inference.csproj");
        if (options.Build)
        {
            var watch = Stopwatch.StartNew();
            Console.WriteLine($"building trainer and inference (Release, artifacts {artifacts}) ...");
            await ServeLoadProcesses.BuildAsync(trainerProject, artifactsOverride, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
            await ServeLoadProcesses.BuildAsync(inferenceProject, artifactsOverride, TimeSpan.FromMinutes(10), cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"built in {watch.Elapsed.TotalSeconds:0} s");
        }

        var trainerDll = AppDll(artifacts, "LogiLlm.Trainer");
        var inferenceDll = AppDll(artifacts, "LogiLlm.Inference");

        var redisPort = await processes.StartRedisAsync(cancellationToken).ConfigureAwait(false);
        var trainerPort = ServeLoadProcesses.FreePort();
        var inferencePort = ServeLoadProcesses.FreePort();
        var trainerUrl = $"http://127.0.0.1:{trainerPort}";
        var inferenceUrl = $"http://127.0.0.1:{inferencePort}";
        // Production refuses to start without a credential: one admin key for this run, sent by every client below, and
        // a rate limit high enough that the load measures serving, not the limiter's refusals.
        var adminKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var common = new Dictionary<string, string>
        {
            ["Auth__ApiKeys__Admin"] = adminKey,
            ["RateLimit__PermitsPerMinute"] = "10000000",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__cache"] = $"127.0.0.1:{redisPort}",
            ["Registry__Path"] = Path.Combine(temp, "registry"),
            ["Llm__Provider"] = "mock",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        var trainer = processes.StartDotnetApp("trainer", trainerDll, new Dictionary<string, string>(common) { ["ASPNETCORE_URLS"] = trainerUrl });
        var inference = processes.StartDotnetApp("inference", inferenceDll, new Dictionary<string, string>(common)
        {
            ["ASPNETCORE_URLS"] = inferenceUrl,
            ["Trainer__BaseAddress"] = trainerUrl,
        });

        using var setup = ServeLoadGenerator.CreateClient(1);
        setup.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        await ServeLoadProcesses.WaitHealthyAsync(setup, trainer, $"{trainerUrl}/health", TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        await ServeLoadProcesses.WaitHealthyAsync(setup, inference, $"{inferenceUrl}/health", TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"redis-server :{redisPort}, trainer :{trainerPort} (pid {trainer.Process.Id}), inference :{inferencePort} (pid {inference.Process.Id})");

        using (var import = new ByteArrayContent(await File.ReadAllBytesAsync(fixture, cancellationToken).ConfigureAwait(false)))
        {
            import.Headers.ContentType = new("application/json");
            using var imported = await setup.PostAsync($"{trainerUrl}/api/modules/{ModuleName}/versions", import, cancellationToken).ConfigureAwait(false);
            var text = await imported.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!imported.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"importing {fixture} answered HTTP {(int)imported.StatusCode}: {text}");
            }

            Console.WriteLine($"imported {Path.GetRelativePath(repo, fixture)}: {text}");
        }

        // The same module at temperature 0: its repeated prediction is answered by the response cache (memory, then Redis).
        var deterministic = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(fixture, cancellationToken).ConfigureAwait(false))!;
        deterministic["config"]!["temperature"] = 0.0;
        using (var import = new StringContent(deterministic.ToJsonString(), Encoding.UTF8, "application/json"))
        {
            using var imported = await setup.PostAsync($"{trainerUrl}/api/modules/{CachedModuleName}/versions", import, cancellationToken).ConfigureAwait(false);
            if (!imported.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"importing the temperature-0 copy answered HTTP {(int)imported.StatusCode}: {await imported.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
            }
        }

        var cachedUrl = new Uri($"{inferenceUrl}/api/modules/{CachedModuleName}/predict");
        using (var warm = new StringContent(PredictBody, Encoding.UTF8, "application/json"))
        {
            using var first = await setup.PostAsync(cachedUrl, warm, cancellationToken).ConfigureAwait(false);
            first.EnsureSuccessStatusCode();
        }

        var predictUrl = new Uri($"{inferenceUrl}/api/modules/{ModuleName}/predict");
        using (var warm = new StringContent(PredictBody, Encoding.UTF8, "application/json"))
        {
            using var first = await setup.PostAsync(predictUrl, warm, cancellationToken).ConfigureAwait(false);
            var text = await first.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!first.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"the warm-up prediction answered HTTP {(int)first.StatusCode}: {text}");
            }

            Console.WriteLine($"warm-up predict: {text}");
        }

        var alive = new ServeLoadGenerator.Target("alive", new Uri($"{inferenceUrl}/alive"), null);
        var predict = new ServeLoadGenerator.Target("predict", predictUrl, Encoding.UTF8.GetBytes(PredictBody));
        var cached = new ServeLoadGenerator.Target("cached", cachedUrl, Encoding.UTF8.GetBytes(PredictBody));
        using var http = ServeLoadGenerator.CreateClient(options.Workers);
        http.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        var results = new List<ServeLoadGenerator.PhaseResult>();
        Console.WriteLine();
        Console.WriteLine("endpoint  round  requests  errors       rps   p50 ms   p99 ms   max ms");
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var target in new[] { alive, predict, cached })
            {
                var result = await ServeLoadGenerator.RunAsync(
                    http, target, round, options.Workers, TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.Seconds), cancellationToken)
                    .ConfigureAwait(false);
                results.Add(result);
                Console.WriteLine(Row(result));
                if (result.FirstError is { } error)
                {
                    Console.WriteLine($"          first error: {error}");
                }
            }
        }

        var bestAlive = results.Where(r => r.Name == "alive").MaxBy(r => r.Rps)!;
        var bestPredict = results.Where(r => r.Name == "predict").MaxBy(r => r.Rps)!;
        var ratio = bestAlive.Rps > 0 ? bestPredict.Rps / bestAlive.Rps : 0;
        Console.WriteLine();
        Console.WriteLine($"best of {options.Rounds} round(s):");
        Console.WriteLine(Row(bestAlive));
        Console.WriteLine(Row(bestPredict));
        var bestCached = results.Where(r => r.Name == "cached").MaxBy(r => r.Rps)!;
        Console.WriteLine(Row(bestCached));
        for (var round = 1; round <= options.Rounds; round++)
        {
            var a = results.Single(r => r.Name == "alive" && r.Round == round);
            var p = results.Single(r => r.Name == "predict" && r.Round == round);
            var c = results.Single(r => r.Name == "cached" && r.Round == round);
            Console.WriteLine(Invariant($"round {round} ratio: {(a.Rps > 0 ? p.Rps / a.Rps : 0):0.00} (cached answers: {(a.Rps > 0 ? c.Rps / a.Rps : 0):0.00})"));
        }

        Console.WriteLine(Invariant($"predict/alive rps ratio: {ratio:0.00} (aim >= {RatioAim:0.0}){(ratio >= RatioAim ? "" : "  BELOW AIM")}"));
        Console.WriteLine($"load average after: {LoadAverage()} (client, server and redis share this machine's {Environment.ProcessorCount} cores)");

        await WrkAsync(options, temp, adminKey, alive.Url, predictUrl, cancellationToken).ConfigureAwait(false);

        var errors = results.Sum(r => r.Errors);
        if (errors > 0)
        {
            Console.WriteLine($"{errors} request(s) failed during the measured phases.");
            return 1;
        }

        return 0;
    }

    /// <summary>Cross-check with wrk (optional): run it with <c>--wrk</c> when it is on PATH, else print how to.</summary>
    private static async Task WrkAsync(Options options, string temp, string apiKey, Uri aliveUrl, Uri predictUrl, CancellationToken cancellationToken)
    {
        var script = Path.Combine(temp, "predict.lua");
        var lua = $"""
            wrk.method = "POST"
            wrk.body = '{PredictBody}'
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["X-Api-Key"] = os.getenv("LOGILLM_BENCH_API_KEY")
            """;
        var connections = options.Workers.ToString(CultureInfo.InvariantCulture);
        var duration = $"{Math.Max(1, (int)Math.Round(options.Seconds)).ToString(CultureInfo.InvariantCulture)}s";
        if (!options.Wrk)
        {
            Console.WriteLine();
            Console.WriteLine("cross-check with wrk (apt-get install wrk), against a running inference on PORT:");
            Console.WriteLine($"  wrk -t2 -c{connections} -d{duration} --latency http://127.0.0.1:PORT/alive");
            Console.WriteLine($"  wrk -t2 -c{connections} -d{duration} --latency -s predict.lua http://127.0.0.1:PORT/api/modules/{ModuleName}/predict");
            Console.WriteLine($"  predict.lua: {lua.ReplaceLineEndings("; ")}");
            Console.WriteLine("  (or run this mode with --wrk to do it here)");
            return;
        }

        await File.WriteAllTextAsync(script, lua + "\n", cancellationToken).ConfigureAwait(false);
        foreach (var (name, arguments) in new[]
        {
            ("alive", new[] { "-t2", $"-c{connections}", $"-d{duration}", "--latency", aliveUrl.ToString() }),
            ("predict", new[] { "-t2", $"-c{connections}", $"-d{duration}", "--latency", "-s", script, predictUrl.ToString() }),
        })
        {
            Console.WriteLine();
            Console.WriteLine($"wrk {name}: wrk {string.Join(' ', arguments)}");
            var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            // The run's throw-away key reaches the script through the environment: never on the command line or in the file.
            info.Environment["LOGILLM_BENCH_API_KEY"] = apiKey;
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            Process? process;
            try
            {
                process = Process.Start(info);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                Console.WriteLine($"  wrk is not on PATH ({ex.Message}); apt-get install wrk to cross-check.");
                return;
            }

            using (process)
            {
                if (process is null)
                {
                    return;
                }

                var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
                var error = process.StandardError.ReadToEndAsync(cancellationToken);
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(TimeSpan.FromSeconds(options.Seconds + 30));
                try
                {
                    await process.WaitForExitAsync(bounded.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new TimeoutException("wrk did not finish in time.");
                }

                Console.WriteLine((await output.ConfigureAwait(false)).TrimEnd());
                var stderr = (await error.ConfigureAwait(false)).Trim();
                if (stderr.Length > 0)
                {
                    Console.WriteLine(stderr);
                }
            }
        }
    }

    private static string Row(ServeLoadGenerator.PhaseResult r) => Invariant(
        $"{r.Name,-8}  {r.Round,5}  {r.Requests,8}  {r.Errors,6}  {r.Rps,8:0}  {r.P50Ms,7:0.000}  {r.P99Ms,7:0.000}  {r.MaxMs,7:0.0}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static Options Parse(string[] args)
    {
        var options = new Options(Workers: 16, Seconds: 10, Warmup: 2, Rounds: 2, Build: true, Wrk: false);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            options = args[i] switch
            {
                "--workers" => options with { Workers = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seconds" => options with { Seconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--warmup" => options with { Warmup = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rounds" => options with { Rounds = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--no-build" => options with { Build = false },
                "--wrk" => options with { Wrk = true },
                _ => throw new ArgumentException($"unknown option '{args[i]}'."),
            };
        }

        // Bounded in count and time.
        if (options.Workers is < 1 or > 512 || options.Seconds is <= 0 or > 300 || options.Warmup is < 0 or > 60 || options.Rounds is < 1 or > 10)
        {
            throw new ArgumentException("bounds: 1..512 workers, 0..300 s measured, 0..60 s warm-up, 1..10 rounds.");
        }

        return options;
    }

    /// <summary>The repository: the folder holding LogiLlm.Aspire.sln, above the current folder or the bench's own.</summary>
    private static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            if (FindUpwards(start, "LogiLlm.Aspire.sln") is { } solution)
            {
                return Path.GetDirectoryName(solution)!;
            }
        }

        throw new InvalidOperationException("LogiLlm.Aspire.sln was not found above the current folder; run from the repository.");
    }

    private static string? FindUpwards(string start, string relative)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Where the services are built: the artifacts folder this bench runs from (<c>&lt;root&gt;/bin/LogiLlm.Benchmarks/release/</c>),
    /// so that <c>-p:ArtifactsPath=...</c> given to the bench carries over; else the repository's <c>artifacts</c>.
    /// </summary>
    private static (string Root, string? Override) ArtifactsRoot(string repo)
    {
        var standard = Path.GetFullPath(Path.Combine(repo, "artifacts"));
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        if (own.Parent?.Parent is { Name: "bin" } bin && own.Parent.Name == "LogiLlm.Benchmarks" && bin.Parent is { } root)
        {
            var path = Path.GetFullPath(root.FullName);
            return (path, string.Equals(path, standard, StringComparison.Ordinal) ? null : path);
        }

        return (standard, null);
    }

    private static string AppDll(string artifacts, string project)
    {
        var dll = Path.Combine(artifacts, "bin", project, "release", $"{project}.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"{dll} does not exist; build it (dotnet build -c Release {project}) or drop --no-build.");
    }

    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
