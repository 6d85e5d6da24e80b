using Microsoft.Extensions.Logging;

namespace LogiLlm.Persistence;

/// <summary>Options for <c>ModuleSaver</c>.</summary>
public sealed class SaveOptions
{
    /// <summary>Shared default options.</summary>
    internal static SaveOptions Default { get; } = new();

    /// <summary>Whether to write <c>provider_config</c> (name, model, safe model parameters, class). Default true.</summary>
    public bool IncludeProvider { get; init; } = true;

    /// <summary>Text format: <see cref="SerializationFormat.Json"/> (default, Python-compatible) or <see cref="SerializationFormat.Yaml"/>.</summary>
    public SerializationFormat Format { get; init; } = SerializationFormat.Json;

    /// <summary>Compression: <see cref="ModuleCompression.None"/> (default), <see cref="ModuleCompression.Gzip"/> or <see cref="ModuleCompression.Brotli"/>.</summary>
    public ModuleCompression Compression { get; init; } = ModuleCompression.None;

    /// <summary>Signs the file (a <c>seal</c> block over the content digest) with this key; loaders verify it with <see cref="LoadOptions.TrustedSigningKeys"/>.</summary>
    public ModuleSigningKey? SigningKey { get; init; }

    /// <summary>
    /// Encrypts the file with this password (AES-256-GCM, key from PBKDF2-SHA256 with <see cref="PasswordIterations"/> and a random
    /// salt, both in the file's header). The bytes on disk then hold no plaintext; loading needs <see cref="LoadOptions.Password"/>.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>PBKDF2 iterations for <see cref="Password"/> (default 600,000, OWASP's figure for PBKDF2-SHA256; at least 10,000).</summary>
    public int PasswordIterations { get; init; } = DefaultPasswordIterations;

    /// <summary>Default of <see cref="PasswordIterations"/>.</summary>
    public const int DefaultPasswordIterations = 600_000;

    /// <summary>Indent the JSON (as LogiLLM does, two spaces). Default true.</summary>
    public bool Indented { get; init; } = true;

    /// <summary>
    /// Also write endpoint keys (<c>base_url</c>, <c>endpoint</c>, ...) of the provider and configs. Default false:
    /// a module file should not decide where prompts are sent.
    /// </summary>
    public bool IncludeEndpoint { get; init; }

    /// <summary>Write the <c>integrity</c> digest block. Default true.</summary>
    public bool IncludeIntegrity { get; init; } = true;

    /// <summary>Receives a Debug line per save (fields, demos, provider, bytes). Null: <see cref="PersistenceLogging.DefaultLoggerFactory"/>.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>Clock for <c>save_timestamp</c> (tests pin it). Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
