using Microsoft.Extensions.Logging;

namespace LogiLlm.Persistence;

/// <summary>State of one load: the reader (file + paths), the options and the diagnostics collected so far.</summary>
internal sealed class LoadContext
{
    private readonly List<LoadDiagnostic> _diagnostics = [];

    public LoadContext(string? filePath, LoadOptions options)
    {
        Reader = new DocumentReader(filePath);
        Options = options;
    }

    public DocumentReader Reader { get; }

    public LoadOptions Options { get; }

    public IReadOnlyList<LoadDiagnostic> Diagnostics => _diagnostics;

    /// <summary>The JSON bytes being loaded (after unwrapping), which the loaded module may keep slices of.</summary>
    public ReadOnlyMemory<byte> Source { get; set; }

    /// <summary>
    /// Whether what the load built may read the loaded bytes (its nodes or demos read slices of them). False when the fast
    /// read (<see cref="ModuleScan"/>) built everything from copies: a rented input buffer can then go back to its pool.
    /// </summary>
    public bool SourceRetained { get; set; } = true;

    public SerializationFormat Format { get; set; }

    public ModuleCompression Compression { get; set; }

    public bool Encrypted { get; set; }

    public SignatureStatus Signature { get; set; }

    public string? SigningKeyId { get; set; }

    public void Warn(string code, string message, string? jsonPath = null)
    {
        _diagnostics.Add(new LoadDiagnostic(code, message, jsonPath));
    }

    public void Note(string code, string message, string? jsonPath = null) =>
        _diagnostics.Add(new LoadDiagnostic(code, message, jsonPath, IsWarning: false));

    /// <summary>Logs the warnings once the load has succeeded (a failed load only throws).</summary>
    public void Flush()
    {
        var logger = PersistenceLogging.Resolve(Options.Logger);
        foreach (var d in _diagnostics)
        {
            var level = d.IsWarning ? LogLevel.Warning : LogLevel.Debug;
            if (logger.IsEnabled(level))
            {
#pragma warning disable CA1848, CA2254 // Diagnostics are rare; a message template per code adds nothing here.
                logger.Log(level, "{Code}: {Message} [file: {File}]", d.Code, d.Message, Reader.FilePath ?? "(string)");
#pragma warning restore CA1848, CA2254
            }
        }
    }
}
