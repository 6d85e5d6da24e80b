using LogiLlm.Providers;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Persistence;

/// <summary>Options for <c>ModuleLoader</c>.</summary>
public sealed class LoadOptions
{
    /// <summary>Default size limit: 64 MiB.</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary>Default JSON nesting limit.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>Shared default options.</summary>
    internal static LoadOptions Default { get; } = new();

    /// <summary>
    /// Build the saved provider (name, model, safe config) through <see cref="Providers"/> and register it as default,
    /// as LogiLLM's <c>setup_provider=True</c>. The API key comes from the registry/environment, never from the file. Default false.
    /// </summary>
    public bool SetupProvider { get; init; }

    /// <summary>
    /// Fail with a "Version mismatch" <see cref="PersistenceException"/> when the file was written by another library version
    /// (as judged by <see cref="VersionCompatibility"/>). Checked before the digest, so a file from another version fails for that reason.
    /// </summary>
    public bool StrictVersion { get; init; }

    /// <summary>
    /// Which <c>logillm_version</c> counts as ours: <see cref="Persistence.VersionCompatibility.Exact"/> (default) or
    /// <see cref="Persistence.VersionCompatibility.SameMinor"/> (same major.minor). Another version is a <c>version-mismatch</c>
    /// warning, or an error under <see cref="StrictVersion"/>.
    /// </summary>
    public VersionCompatibility VersionCompatibility { get; init; } = VersionCompatibility.Exact;

    /// <summary>Check the <c>integrity</c> digest when a file has one (files without one, e.g. Python's, are accepted). Default true.</summary>
    public bool VerifyDigest { get; init; } = true;

    /// <summary>Refuse files without an <c>integrity</c> block. Default false (Python files have none).</summary>
    public bool RequireDigest { get; init; }

    /// <summary>Keys whose signatures this load accepts (matched by key id). A signed file by another key, or whose content does not match its signature, is refused.</summary>
    public IReadOnlyList<ModuleSigningKey>? TrustedSigningKeys { get; init; }

    /// <summary>Refuse files that are not signed by one of <see cref="TrustedSigningKeys"/>. Default false.</summary>
    public bool RequireSignature { get; init; }

    /// <summary>The password of encrypted files (<see cref="SaveOptions.Password"/>); ignored for files that are not encrypted.</summary>
    public string? Password { get; init; }

    /// <summary>Largest accepted input in bytes (also the limit after decompression), checked before parsing. Default 64 MiB.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Deepest accepted JSON nesting. Default 64.</summary>
    public int MaxDepth { get; init; } = DefaultMaxDepth;

    /// <summary>
    /// Let <see cref="SetupProvider"/> take an endpoint / base URL from the file. Default false: a file never decides where
    /// prompts (and the API key) are sent. Headers are never taken from a file.
    /// </summary>
    public bool TrustEndpointFromFile { get; init; }

    /// <summary>The module types this load may instantiate. Default: <see cref="ModuleTypeRegistry.Default"/>.</summary>
    public ModuleTypeRegistry? ModuleTypes { get; init; }

    /// <summary>Provider registry for <see cref="SetupProvider"/> and the provider-mismatch check. Default: <see cref="ProviderRegistry.Default"/>.</summary>
    public ProviderRegistry? Providers { get; init; }

    /// <summary>Base options (API key, HTTP handler, retries, ...) used when <see cref="SetupProvider"/> builds the provider.</summary>
    public ProviderOptions? ProviderOptions { get; init; }

    /// <summary>
    /// Receives the warnings that LogiLLM raises with Python's <c>warnings</c> (version and provider mismatch, ...). Null: a logger
    /// from <see cref="PersistenceLogging.DefaultLoggerFactory"/>, if a host set one. Either way they are on <see cref="Module.LoadReport"/>.
    /// </summary>
    public ILogger? Logger { get; init; }
}
