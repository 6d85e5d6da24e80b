using System.Text.Json;
using BenchmarkDotNet.Attributes;
using LogiLlm.Demos;
using LogiLlm.Persistence;

namespace LogiLlm.Benchmarks;

/// <summary>
/// Load and save of a 1,000-demo module (~0.5 MB) against the floor of merely parsing the same bytes with
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/> (the baseline, ratio 1.0).
/// </summary>
[MemoryDiagnoser]
public class PersistenceBenchmarks
{
    private Module _module = null!;
    private byte[] _bytes = null!;
    private string _path = null!;
    private readonly LoadOptions _load = new();
    private readonly LoadOptions _loadNoDigest = new() { VerifyDigest = false };

    /// <summary>Size of the saved module in bytes (shown in the summary as a parameter-free fact).</summary>
    public int DocumentBytes => _bytes.Length;

    [GlobalSetup]
    public void Setup()
    {
        var module = new Predict("email: str, tags: list[str] -> category: Literal['refund', 'order', 'feedback', 'other'], confidence: float");
        module.Config["temperature"] = 0.3;
        module.Config["max_tokens"] = 150;
        module.Metadata["lineage"] = "benchmark";
        module.DemoManager.MaxDemos = 8;
        var labels = new[] { "refund", "order", "feedback", "other" };
        for (var i = 0; i < 1000; i++)
        {
            module.DemoManager.Add(Demo.Create(
                new { email = $"Customer message number {i}: please help me with my order, it has not arrived and I would like an update or a refund soon.", tags = new[] { "support", $"batch-{i % 10}" } },
                new { category = labels[i % labels.Length], confidence = (i % 100) / 100.0 },
                score: 1.0 - (i % 50 / 100.0),
                source: "bootstrap"));
        }

        _module = module;
        _bytes = ModuleSaver.SaveToBytes(module);
        _path = Path.Combine(Path.GetTempPath(), $"logillm-bench-{Environment.ProcessId}.json");
        File.WriteAllBytes(_path, _bytes);
        Console.WriteLine($"// module document: {_bytes.Length:N0} bytes, {module.DemoManager.Demos.Count} demos");
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse (same bytes)")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_bytes);
        return document.RootElement.GetPropertyCount();
    }

    [Benchmark(Description = "Load (bytes, digest verified)")]
    public Module Load() => ModuleLoader.LoadFromBytes(_bytes, _load).Module;

    [Benchmark(Description = "Load (bytes, no digest check)")]
    public Module LoadWithoutDigest() => ModuleLoader.LoadFromBytes(_bytes, _loadNoDigest).Module;

    [Benchmark(Description = "Load (file)")]
    public Module LoadFile() => ModuleLoader.LoadModule(_path, _load);

    [Benchmark(Description = "Save (bytes, with digest)")]
    public byte[] Save() => ModuleSaver.SaveToBytes(_module);

    [Benchmark(Description = "Save (file, atomic + fsync)")]
    public void SaveFile() => ModuleSaver.SaveModule(_module, _path);
}
