using System.Buffers;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using LogiLlm.Persistence;

namespace LogiLlm.Benchmarks;

/// <summary>
/// persistence-wall: load and save of the 1,000-demo module as ratios to their baselines (bare JsonDocument.Parse of the same
/// bytes; Utf8JsonWriter of the same document), measured interleaved in one process so that machine load hits both alike.
/// Prints the median of per-round ratios and what one call allocates (subject vs baseline).
/// </summary>
internal static class PersistenceWallClock
{
    public static void Run(string[] args)
    {
        var rounds = args.Length > 0 && int.TryParse(args[0], System.Globalization.CultureInfo.InvariantCulture, out var r) ? r : 30;
        var f = new PersistenceFixture();
        Console.WriteLine($"module document: {f.Bytes.Length:N0} bytes, {f.Module.DemoManager.Demos.Count} demos; {rounds} interleaved rounds");

        var parse = () => { using var d = JsonDocument.Parse(f.Bytes); _ = d.RootElement.GetPropertyCount(); };
        var write = () =>
        {
            var buffer = new ArrayBufferWriter<byte>(64 * 1024);
            using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            f.Document.WriteTo(writer);
        };

        Row("load (digest verified) / parse", () => ModuleLoader.LoadFromBytes(f.Bytes, f.Load), parse, rounds);
        Row("load (no digest check) / parse", () => ModuleLoader.LoadFromBytes(f.Bytes, f.LoadNoDigest), parse, rounds);
        Row("load (signed: digest + HMAC seal) / parse", () => ModuleLoader.LoadFromBytes(f.SignedBytes, f.LoadSigned), parse, rounds);
        Row("save (no digest) / Utf8JsonWriter", () => ModuleSaver.SaveToBytes(f.Module, f.SaveNoDigest), write, rounds);
        Row("save (with digest) / Utf8JsonWriter", () => ModuleSaver.SaveToBytes(f.Module), write, rounds);
        Row("save (signed) / Utf8JsonWriter", () => ModuleSaver.SaveToBytes(f.Module, f.SaveSigned), write, rounds);
    }

    private static void Row(string name, Action subject, Action baseline, int rounds)
    {
        // Long enough for tiered compilation to finish both: the call-counting delay restarts while new methods are compiled, and
        // a few dozen calls (as before) measured partly optimized code on both sides, which put the ratio anywhere in 1.1x-2.4x.
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 500 || warm.Elapsed < TimeSpan.FromSeconds(3); i++)
        {
            subject();
            baseline();
        }

        var ratios = new double[rounds];
        var subjectTimes = new double[rounds];
        var baselineTimes = new double[rounds];
        for (var i = 0; i < rounds; i++)
        {
            var b = Time(baseline, 5);
            var s = Time(subject, 5);
            (baselineTimes[i], subjectTimes[i], ratios[i]) = (b, s, s / b);
        }

        Console.WriteLine($"{name,-45} ratio {Median(ratios),5:0.00}x   ({Median(subjectTimes):0.00} ms vs {Median(baselineTimes):0.00} ms; allocated {Allocated(subject) / 1e6:0.00} MB vs {Allocated(baseline) / 1e6:0.00} MB)");
    }

    private static long Allocated(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static double Time(Action action, int repeat)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < repeat; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / repeat;
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
