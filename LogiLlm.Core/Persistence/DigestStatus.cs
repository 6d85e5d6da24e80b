namespace LogiLlm.Persistence;

/// <summary>Outcome of the integrity check of a loaded file.</summary>
public enum DigestStatus
{
    /// <summary>The file has no integrity block (e.g. written by Python LogiLLM).</summary>
    Absent,

    /// <summary>The digest was present and matched.</summary>
    Verified,

    /// <summary>The digest was present but not checked (<see cref="LoadOptions.VerifyDigest"/> = false).</summary>
    NotChecked,
}
