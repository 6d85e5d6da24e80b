using System.Text.Json.Serialization;

namespace LogiLlm.Registry;

/// <summary>
/// The shared module cache (memory + Redis + backplane) as trainer and inference both see it: one cache name, one key
/// shape, one entry type. Documents are keyed by their content digest, so a rebuilt registry can never be shadowed by
/// stale cached bytes; what a reference points at has a bounded lifetime and is revalidated against the registry.
/// </summary>
public static class ModuleCacheKeys
{
    /// <summary>The cache name (also the prefix of its Redis keys and backplane channel).</summary>
    public const string CacheName = "logillm-modules";

    /// <summary>Key of what <c>name@versionOrAlias</c> points at (a <see cref="ModulePointer"/>).</summary>
    public static string Pointer(string name, string versionOrAlias) => $"ref:{name}@{versionOrAlias}";

    /// <summary>Key of a saved document by its SHA-256 (lower-case hex).</summary>
    public static string Document(string sha256) => $"doc:{sha256}";
}

/// <summary>What a module reference resolves to in the registry.</summary>
/// <param name="Name">Module name.</param>
/// <param name="Version">Exact version.</param>
/// <param name="Sha256">SHA-256 of the saved document (lower-case hex): the key of its content.</param>
public sealed record ModulePointer(string Name, int Version, string Sha256);

/// <summary>Source-generated JSON for the shared module cache entries.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ModulePointer))]
[JsonSerializable(typeof(string))]
public sealed partial class ModuleCacheJsonContext : JsonSerializerContext;
