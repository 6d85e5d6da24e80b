using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// The signature block of a module file, <c>"seal": {"algorithm", "key_id", "value"}</c>. It signs the content digest (which
/// covers every key but <c>integrity</c>, <c>save_timestamp</c> and <c>seal</c>) together with the timestamp, so one canonical pass
/// serves both checks. A loader recomputes the digest from the content: editing the content and re-digesting it breaks the seal.
/// </summary>
internal static class ModuleSeal
{
    public static JsonObject Create(JsonObject root, string digest, ModuleSigningKey key) =>
        Create(root[K.SaveTimestamp]?.GetValue<string>(), digest, key);

    /// <summary>The seal over <paramref name="digest"/> and the file's <paramref name="timestamp"/>.</summary>
    public static JsonObject Create(string? timestamp, string digest, ModuleSigningKey key)
    {
        var signature = key.Sign(Payload(key.Algorithm, key.KeyId, digest, timestamp));
        return new JsonObject
        {
            [K.Algorithm] = key.Algorithm,
            [K.KeyId] = key.KeyId,
            [K.Value] = Convert.ToBase64String(signature),
        };
    }

    /// <summary>Checks the seal under the load's options; <paramref name="computedDigest"/> is the content digest if already computed.</summary>
    public static (SignatureStatus Status, string? KeyId) Check(JsonObject root, JsonElement? rootElement, string? computedDigest, LoadContext context)
    {
        var r = context.Reader;
        var options = context.Options;
        var sealPath = JsonPaths.Property(JsonPaths.Root, K.Seal);
        var seal = r.OptionalObject(root, K.Seal, JsonPaths.Root);
        var trusted = options.TrustedSigningKeys ?? [];
        if (options.RequireSignature && trusted.Count == 0)
        {
            throw r.Fail("LoadOptions.RequireSignature is set but LoadOptions.TrustedSigningKeys is empty: no signature could be verified", sealPath);
        }

        if (seal is null)
        {
            if (options.RequireSignature)
            {
                throw r.Fail("The file is not signed and LoadOptions.RequireSignature is set", sealPath);
            }

            return (SignatureStatus.Absent, null);
        }

        var algorithm = r.RequireString(seal, K.Algorithm, sealPath);
        var keyId = r.RequireString(seal, K.KeyId, sealPath);
        var value = r.RequireString(seal, K.Value, sealPath);
        if (trusted.Count == 0)
        {
            context.Warn(LoadDiagnostic.SignatureNotVerified, $"The file is signed with key '{keyId}' but the signature was not checked (no LoadOptions.TrustedSigningKeys)", sealPath);
            return (SignatureStatus.NotVerified, keyId);
        }

        var key = trusted.FirstOrDefault(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal))
            ?? throw r.Fail($"The file is signed with an unknown key id '{keyId}'; trusted key ids: {string.Join(", ", trusted.Select(k => k.KeyId))}", JsonPaths.Property(sealPath, K.KeyId));
        if (!string.Equals(algorithm, key.Algorithm, StringComparison.Ordinal))
        {
            throw r.Fail($"The file's signature algorithm '{algorithm}' is not that of the trusted key '{keyId}' ({key.Algorithm})", JsonPaths.Property(sealPath, K.Algorithm));
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(value);
        }
        catch (FormatException e)
        {
            throw r.Fail("The signature value is not base64", JsonPaths.Property(sealPath, K.Value), e);
        }

        var digest = computedDigest ?? IntegrityDigest.Compute(rootElement ?? throw new InvalidOperationException("The seal is checked over the parsed document"));
        var timestamp = r.OptionalString(root, K.SaveTimestamp, JsonPaths.Root);
        if (!key.Verify(Payload(algorithm, keyId, digest, timestamp), signature))
        {
            throw r.Fail($"Signature check failed: the content does not match what key '{keyId}' signed (the file was modified after it was signed)", sealPath);
        }

        return (SignatureStatus.Verified, keyId);
    }

    private static byte[] Payload(string algorithm, string keyId, string digest, string? timestamp) =>
        Encoding.UTF8.GetBytes($"logillm-seal/1\n{algorithm}\n{keyId}\n{digest}\n{timestamp}");
}
