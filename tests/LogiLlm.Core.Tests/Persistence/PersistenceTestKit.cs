using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using LogiLlm.Persistence;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Shared helpers: locating shared/fixtures, temp folders, documents without volatile keys.</summary>
internal static class PersistenceTestKit
{
    public const string FixtureSet = "logillm-py-0.2.17";

    /// <summary>The folder of the Python-written fixtures: found by walking up from the test binaries (or this source file) to a folder holding shared/fixtures.</summary>
    public static string FixtureDirectory => LazyFixtureDirectory.Value;

    private static readonly Lazy<string> LazyFixtureDirectory = new(() => FindFixtureDirectory());

    public static string Fixture(string name) => Path.Combine(FixtureDirectory, name);

    public static IEnumerable<string> AllFixtures() => Directory.EnumerateFiles(FixtureDirectory, "*.json").Order(StringComparer.Ordinal);

    public static TempDirectory CreateTempDirectory() => new();

    /// <summary>The document as saved, minus the keys that legitimately change between saves.</summary>
    public static JsonObject StableDocument(string json)
    {
        var doc = JsonNode.Parse(json)!.AsObject();
        doc.Remove("save_timestamp");
        return doc;
    }

    private static string FindFixtureDirectory([CallerFilePath] string sourceFile = "")
    {
        var starts = new[] { Environment.GetEnvironmentVariable("LOGILLM_SHARED_DIR"), AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) };
        foreach (var start in starts)
        {
            if (string.IsNullOrEmpty(start))
            {
                continue;
            }

            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "fixtures", FixtureSet), Path.Combine(dir.FullName, "fixtures", FixtureSet) })
                {
                    if (Directory.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures/{FixtureSet} above {AppContext.BaseDirectory} or {sourceFile}.");
    }

    internal sealed class TempDirectory : IDisposable
    {
        public TempDirectory()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "logillm-persist-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Options for tests: an isolated provider registry so no test depends on global state.</summary>
    public static LoadOptions Isolated(LoadOptions? baseOptions = null) => new()
    {
        SetupProvider = baseOptions?.SetupProvider ?? false,
        StrictVersion = baseOptions?.StrictVersion ?? false,
        VersionCompatibility = baseOptions?.VersionCompatibility ?? VersionCompatibility.Exact,
        VerifyDigest = baseOptions?.VerifyDigest ?? true,
        Providers = baseOptions?.Providers ?? new LogiLlm.Providers.ProviderRegistry(registerBuiltIns: true),
        ModuleTypes = baseOptions?.ModuleTypes,
        Logger = baseOptions?.Logger,
    };
}
