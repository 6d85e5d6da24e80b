namespace LogiLlm.Persistence;

/// <summary>When the <c>logillm_version</c> of a file counts as this library's version (<see cref="LoadOptions.VersionCompatibility"/>).</summary>
public enum VersionCompatibility
{
    /// <summary>Only the same version string (the default, as LogiLLM).</summary>
    Exact,

    /// <summary>The same major and minor version (<c>1.4.0</c> and <c>1.4.7</c> match, <c>1.5.0</c> does not); pre-release and build suffixes are ignored.</summary>
    SameMinor,
}
