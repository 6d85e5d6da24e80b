using Microsoft.Extensions.Logging;

namespace LogiLlm.Persistence;

/// <summary>Options for <c>ModuleSaver</c>.</summary>
public sealed class SaveOptions
{
    /// <summary>Shared default options.</summary>
    internal static SaveOptions Default { get; } = new();

    /// <summary>Whether to write <c>provider_config</c> (name, model, safe model parameters, class). Default true.</summary>
    public bool IncludeProvider { get; init; } = true;

    /// <summary>File format. Only <see cref="SerializationFormat.Json"/> exists.</summary>
    public SerializationFormat Format { get; init; } = SerializationFormat.Json;

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
