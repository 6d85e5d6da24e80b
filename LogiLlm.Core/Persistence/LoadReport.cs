using LogiLlm.Providers;

namespace LogiLlm.Persistence;

/// <summary>What a load found: versions, digest status, the saved provider and every warning.</summary>
public sealed class LoadReport
{
    internal LoadReport(
        string? filePath,
        string? savedLibraryVersion,
        int savedFormatVersion,
        string? saveTimestamp,
        DigestStatus digest,
        SavedProviderConfig? savedProvider,
        Provider? providerSetUp,
        IReadOnlyList<LoadDiagnostic> diagnostics)
    {
        FilePath = filePath;
        SavedLibraryVersion = savedLibraryVersion;
        SavedFormatVersion = savedFormatVersion;
        SaveTimestamp = saveTimestamp;
        Digest = digest;
        SavedProvider = savedProvider;
        ProviderSetUp = providerSetUp;
        Diagnostics = diagnostics;
    }

    /// <summary>The file loaded, or null for strings and streams.</summary>
    public string? FilePath { get; }

    /// <summary><c>logillm_version</c> of the file (null when absent).</summary>
    public string? SavedLibraryVersion { get; }

    /// <summary>This library's version.</summary>
    public string CurrentLibraryVersion => LibraryVersion.Current;

    /// <summary><c>format_version</c> of the file before migration (0 for Python LogiLLM files).</summary>
    public int SavedFormatVersion { get; }

    /// <summary>True when the file was migrated from an older format.</summary>
    public bool Migrated => SavedFormatVersion < ModuleFileFormat.CurrentVersion;

    /// <summary><c>save_timestamp</c> as written.</summary>
    public string? SaveTimestamp { get; }

    /// <summary>Integrity check outcome.</summary>
    public DigestStatus Digest { get; }

    /// <summary>The text format of the file (detected).</summary>
    public SerializationFormat Format { get; internal init; }

    /// <summary>The compression of the file (detected).</summary>
    public ModuleCompression Compression { get; internal init; }

    /// <summary>True when the file was encrypted with a password.</summary>
    public bool Encrypted { get; internal init; }

    /// <summary>Signature check outcome.</summary>
    public SignatureStatus Signature { get; internal init; }

    /// <summary>The key id of the file's signature, if signed.</summary>
    public string? SigningKeyId { get; internal init; }

    /// <summary>The top-level <c>provider_config</c>, if any.</summary>
    public SavedProviderConfig? SavedProvider { get; }

    /// <summary>The provider built with <see cref="LoadOptions.SetupProvider"/>, if it succeeded.</summary>
    public Provider? ProviderSetUp { get; }

    /// <summary>All warnings and notes, in order.</summary>
    public IReadOnlyList<LoadDiagnostic> Diagnostics { get; }

    /// <summary>Only the warnings.</summary>
    public IEnumerable<LoadDiagnostic> Warnings => Diagnostics.Where(d => d.IsWarning);

    /// <summary>True when the file was written by another library version.</summary>
    public bool VersionMismatch => Diagnostics.Any(d => d.Code == LoadDiagnostic.VersionMismatch);

    /// <summary>True when the saved provider differs from the active default provider.</summary>
    public bool ProviderMismatch => Diagnostics.Any(d => d.Code == LoadDiagnostic.ProviderMismatch);
}
