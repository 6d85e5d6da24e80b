using System.Security.Cryptography;
using System.Text;

namespace LogiLlm.Persistence;

/// <summary>
/// A key that signs saved modules (<see cref="SaveOptions.SigningKey"/>) or verifies them (<see cref="LoadOptions.TrustedSigningKeys"/>).
/// Two kinds: a shared secret (HMAC-SHA256: the same key signs and verifies) and ECDSA P-256 (the private key signs, the
/// public key verifies, so a verifier cannot forge). Every key has a <see cref="KeyId"/>, written next to the signature, so a
/// loader knows which trusted key to use and can say "unknown key" instead of "tampered".
/// </summary>
public sealed class ModuleSigningKey
{
    /// <summary>Algorithm name of shared-secret keys.</summary>
    public const string HmacSha256 = "hmac-sha256";

    /// <summary>Algorithm name of ECDSA P-256 keys (SHA-256, IEEE P1363 signature).</summary>
    public const string EcdsaP256Sha256 = "ecdsa-p256-sha256";

    /// <summary>Shortest accepted shared secret, in bytes.</summary>
    public const int MinSecretBytes = 32;

    private readonly byte[]? _secret;
    private readonly ECDsa? _ecdsa;
    private readonly Lock _gate = new();

    private ModuleSigningKey(string algorithm, string keyId, bool canSign, byte[]? secret, ECDsa? ecdsa)
    {
        Algorithm = algorithm;
        KeyId = keyId;
        CanSign = canSign;
        _secret = secret;
        _ecdsa = ecdsa;
    }

    /// <summary><see cref="HmacSha256"/> or <see cref="EcdsaP256Sha256"/>.</summary>
    public string Algorithm { get; }

    /// <summary>The id written to signed files (given, or derived from the key: never the secret itself).</summary>
    public string KeyId { get; }

    /// <summary>True for secrets and ECDSA private keys; false for ECDSA public keys (verify only).</summary>
    public bool CanSign { get; }

    /// <summary>A shared-secret (HMAC-SHA256) key of at least <see cref="MinSecretBytes"/> random bytes.</summary>
    /// <param name="secret">The secret (copied).</param>
    /// <param name="keyId">Id written to files; null = derived from the secret by a one-way hash.</param>
    /// <exception cref="ArgumentException">The secret is shorter than <see cref="MinSecretBytes"/> or the id is invalid.</exception>
    public static ModuleSigningKey FromSecret(byte[] secret, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (secret.Length < MinSecretBytes)
        {
            throw new ArgumentException($"A signing secret needs at least {MinSecretBytes} bytes (e.g. RandomNumberGenerator.GetBytes(32)); got {secret.Length}.", nameof(secret));
        }

        var copy = secret.ToArray();
        var id = keyId ?? "hs-" + Convert.ToHexStringLower(HMACSHA256.HashData(copy, "logillm-key-id"u8))[..16];
        return new ModuleSigningKey(HmacSha256, CheckId(id), canSign: true, copy, null);
    }

    /// <summary>
    /// A shared-secret key from configuration text: base64 of at least <see cref="MinSecretBytes"/> bytes, else the UTF-8 bytes of
    /// the text (which then must be at least <see cref="MinSecretBytes"/> bytes long).
    /// </summary>
    public static ModuleSigningKey FromSecretText(string secret, string? keyId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        var buffer = new byte[secret.Length];
        var bytes = Convert.TryFromBase64String(secret.Trim(), buffer, out var written) && written >= MinSecretBytes
            ? buffer[..written]
            : Encoding.UTF8.GetBytes(secret);
        return FromSecret(bytes, keyId);
    }

    /// <summary>A new random ECDSA P-256 private key (export it with <see cref="ExportPrivateKeyPem"/>).</summary>
    public static ModuleSigningKey CreateEcdsa(string? keyId = null) => FromEcdsa(ECDsa.Create(ECCurve.NamedCurves.nistP256), keyId);

    /// <summary>An ECDSA P-256 key from PEM: a private key (<c>PRIVATE KEY</c>, <c>EC PRIVATE KEY</c>) signs, a <c>PUBLIC KEY</c> only verifies.</summary>
    /// <exception cref="ArgumentException">Not a P-256 key in PEM.</exception>
    public static ModuleSigningKey FromEcdsaPem(string pem, string? keyId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            throw new ArgumentException($"Not an ECDSA key in PEM: {e.Message}", nameof(pem), e);
        }

        return FromEcdsa(ecdsa, keyId);
    }

    /// <summary>Wraps an ECDSA P-256 key (taken over: do not dispose it while the key is in use).</summary>
    public static ModuleSigningKey FromEcdsa(ECDsa ecdsa, string? keyId = null)
    {
        ArgumentNullException.ThrowIfNull(ecdsa);
        var parameters = ecdsa.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value && parameters.Curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
        {
            throw new ArgumentException("Only ECDSA P-256 keys are supported.", nameof(ecdsa));
        }

        bool canSign;
        try
        {
            _ = ecdsa.ExportParameters(includePrivateParameters: true);
            canSign = true;
        }
        catch (CryptographicException)
        {
            canSign = false;
        }

        var id = keyId ?? "ec-" + Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16];
        return new ModuleSigningKey(EcdsaP256Sha256, CheckId(id), canSign, null, ecdsa);
    }

    /// <summary>The verify-only half of an ECDSA key (same <see cref="KeyId"/>), to hand to loaders.</summary>
    /// <exception cref="InvalidOperationException">A shared secret has no public half.</exception>
    public ModuleSigningKey PublicKey()
    {
        var ecdsa = _ecdsa ?? throw new InvalidOperationException("A shared-secret key has no public half: verifiers need the same secret.");
        var copy = ECDsa.Create();
        copy.ImportSubjectPublicKeyInfo(ecdsa.ExportSubjectPublicKeyInfo(), out _);
        return new ModuleSigningKey(EcdsaP256Sha256, KeyId, canSign: false, null, copy);
    }

    /// <summary>The public key as PEM (<c>PUBLIC KEY</c>).</summary>
    public string ExportPublicKeyPem() =>
        (_ecdsa ?? throw new InvalidOperationException("A shared-secret key has no public key.")).ExportSubjectPublicKeyInfoPem();

    /// <summary>The private key as PKCS#8 PEM. Treat it as a secret.</summary>
    public string ExportPrivateKeyPem() =>
        CanSign && _ecdsa is { } e ? e.ExportPkcs8PrivateKeyPem() : throw new InvalidOperationException("Only an ECDSA private key can be exported as a private key.");

    /// <inheritdoc />
    public override string ToString() => $"{Algorithm} key {KeyId}{(CanSign ? string.Empty : " (verify only)")}";

    internal byte[] Sign(ReadOnlySpan<byte> data)
    {
        if (!CanSign)
        {
            throw new InvalidOperationException($"Key {KeyId} is a public key: it verifies but cannot sign.");
        }

        if (_secret is not null)
        {
            return HMACSHA256.HashData(_secret, data);
        }

        lock (_gate)
        {
            return _ecdsa!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    internal bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (_secret is not null)
        {
            Span<byte> expected = stackalloc byte[32];
            HMACSHA256.HashData(_secret, data, expected);
            return CryptographicOperations.FixedTimeEquals(expected, signature);
        }

        lock (_gate)
        {
            return _ecdsa!.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
    }

    private static string CheckId(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 128 || id.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            throw new ArgumentException("A key id is 1 to 128 printable characters without spaces.", nameof(id));
        }

        return id;
    }
}
