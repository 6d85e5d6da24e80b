namespace LogiLlm.Persistence;

/// <summary>A warning or note produced while loading a module file.</summary>
/// <param name="Code">Stable identifier, e.g. <c>version-mismatch</c>, <c>provider-mismatch</c>, <c>migrated</c>.</param>
/// <param name="Message">Human-readable text.</param>
/// <param name="JsonPath">Where in the document it applies, if anywhere.</param>
/// <param name="IsWarning">True for warnings (also logged), false for informational notes.</param>
public sealed record LoadDiagnostic(string Code, string Message, string? JsonPath = null, bool IsWarning = true)
{
    /// <summary>The file was written by another library version.</summary>
    public const string VersionMismatch = "version-mismatch";
    /// <summary>The file's provider differs from the active default provider.</summary>
    public const string ProviderMismatch = "provider-mismatch";
    /// <summary>The saved provider could not be set up.</summary>
    public const string ProviderSetupFailed = "provider-setup-failed";
    /// <summary>The file was migrated from an older format version.</summary>
    public const string Migrated = "migrated";
    /// <summary>The file has no integrity digest.</summary>
    public const string NoDigest = "no-digest";
    /// <summary>The digest was not checked (<see cref="LoadOptions.VerifyDigest"/> is false).</summary>
    public const string DigestNotVerified = "digest-not-verified";
    /// <summary>The file is signed but no trusted key was given, so the signature was not checked.</summary>
    public const string SignatureNotVerified = "signature-not-verified";
    /// <summary>A value from the file was not used (e.g. an endpoint, a credential-like key).</summary>
    public const string Ignored = "ignored";
}
