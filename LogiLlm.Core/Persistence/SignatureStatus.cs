namespace LogiLlm.Persistence;

/// <summary>Outcome of the signature check of a loaded file (<see cref="LoadReport.Signature"/>).</summary>
public enum SignatureStatus
{
    /// <summary>The file is not signed.</summary>
    Absent,

    /// <summary>Signed by a key of <see cref="LoadOptions.TrustedSigningKeys"/>, and the signature matches the content.</summary>
    Verified,

    /// <summary>Signed, but not checked: the load had no trusted keys (a <c>signature-not-verified</c> warning).</summary>
    NotVerified,
}
