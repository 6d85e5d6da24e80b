using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using LogiLlm.Persistence;

namespace LogiLlm.Benchmarks;

/// <summary>
/// Load and save of a 1,000-demo module (~0.5 MB), each against its floor: loads against merely parsing the same bytes with
/// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>, saves against writing the same document
/// with <see cref="Utf8JsonWriter"/> (the baselines, ratio 1.0 in their category). Signed rows add the seal check.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class PersistenceBenchmarks
{
    private PersistenceFixture _f = null!;
    private string _path = null!;

    [GlobalSetup]
    public void Setup()
    {
        _f = new PersistenceFixture();
        _path = Path.Combine(Path.GetTempPath(), $"logillm-bench-{Environment.ProcessId}.json");
        File.WriteAllBytes(_path, _f.Bytes);
        Console.WriteLine($"// module document: {_f.Bytes.Length:N0} bytes, {_f.Module.DemoManager.Demos.Count} demos");
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(Baseline = true, Description = "JsonDocument.Parse (same bytes)")]
    [BenchmarkCategory("load")]
    public int ParseOnly()
    {
        using var document = JsonDocument.Parse(_f.Bytes);
        return document.RootElement.GetPropertyCount();
    }

    [Benchmark(Description = "Load (bytes, digest verified)")]
    [BenchmarkCategory("load")]
    public Module Load() => ModuleLoader.LoadFromBytes(_f.Bytes, _f.Load).Module;

    [Benchmark(Description = "Load (bytes, no digest check)")]
    [BenchmarkCategory("load")]
    public Module LoadWithoutDigest() => ModuleLoader.LoadFromBytes(_f.Bytes, _f.LoadNoDigest).Module;

    [Benchmark(Description = "Load (signed: digest + HMAC seal verified)")]
    [BenchmarkCategory("load")]
    public Module LoadSigned() => ModuleLoader.LoadFromBytes(_f.SignedBytes, _f.LoadSigned).Module;

    [Benchmark(Description = "Load (file)")]
    [BenchmarkCategory("load")]
    public Module LoadFile() => ModuleLoader.LoadModule(_path, _f.Load);

    [Benchmark(Baseline = true, Description = "Utf8JsonWriter (same document)")]
    [BenchmarkCategory("save")]
    public int WriteOnly()
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, IndentSize = 2, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            _f.Document.WriteTo(writer);
        }

        return buffer.WrittenCount;
    }

    [Benchmark(Description = "Save (bytes, with digest)")]
    [BenchmarkCategory("save")]
    public byte[] Save() => ModuleSaver.SaveToBytes(_f.Module);

    [Benchmark(Description = "Save (bytes, signed)")]
    [BenchmarkCategory("save")]
    public byte[] SaveSigned() => ModuleSaver.SaveToBytes(_f.Module, _f.SaveSigned);

    [Benchmark(Description = "Save (file, atomic + fsync)")]
    [BenchmarkCategory("save")]
    public void SaveFile() => ModuleSaver.SaveModule(_f.Module, _path);
}
