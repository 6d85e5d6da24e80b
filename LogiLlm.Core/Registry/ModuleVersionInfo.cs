namespace LogiLlm.Registry;

/// <summary>One immutable published version of a module.</summary>
/// <param name="Name">Module name.</param>
/// <param name="Version">Version number (1, 2, ...), never reused.</param>
/// <param name="CreatedAt">When the version was published (file time of the version file).</param>
/// <param name="SizeBytes">Size of the stored document in bytes.</param>
/// <param name="Sha256">Hex SHA-256 of the stored document bytes.</param>
public sealed record ModuleVersionInfo(string Name, int Version, DateTimeOffset CreatedAt, long SizeBytes, string Sha256)
{
    /// <summary>The exact reference of this version (<c>name@N</c>).</summary>
    public ModuleRef Ref => new(Name, Version);
}
