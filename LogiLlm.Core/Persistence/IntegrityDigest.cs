using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// The optional integrity block of a module file: <c>"integrity": {"algorithm": "sha256", "digest": "…"}</c>.
/// The digest is SHA-256 (<see cref="DocumentDigest"/>) over the canonical form (<see cref="CanonicalJson"/>) of the document
/// without <c>integrity</c>, <c>save_timestamp</c> and the <c>seal</c> (so it is a content hash: the same module saved twice has
/// the same digest).
/// </summary>
public static class IntegrityDigest
{
    /// <summary>The only algorithm written and accepted.</summary>
    public const string Algorithm = "sha256";

    /// <summary>The top-level keys the digest does not cover.</summary>
    internal static readonly string[] Unsigned = [ModuleFileFormat.Keys.Integrity, ModuleFileFormat.Keys.SaveTimestamp, ModuleFileFormat.Keys.Seal];

    /// <summary>Computes the lower-case hex digest of <paramref name="document"/> (ignoring its integrity and timestamp).</summary>
    public static string Compute(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return DocumentDigest.OfWritten(writer => CanonicalJson.Write(writer, document, Unsigned));
    }

    /// <summary>Computes the digest of a parsed document (same result as for the equivalent <see cref="JsonObject"/>).</summary>
    public static string Compute(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The document must be a JSON object.", nameof(document));
        }

        // Over the parsed elements: raw UTF-8 names sorted on the stack, no string per name; a parsed document is well formed.
        return DocumentDigest.OfTrustedWriter(writer => CanonicalJson.Write(writer, document, Unsigned));
    }

    /// <summary>Builds the integrity block for <paramref name="document"/>.</summary>
    public static JsonObject CreateBlock(JsonObject document) => Block(Compute(document));

    /// <summary>The integrity block for an already computed <paramref name="digest"/>.</summary>
    internal static JsonObject Block(string digest) => new()
    {
        [ModuleFileFormat.Keys.Algorithm] = Algorithm,
        [ModuleFileFormat.Keys.Digest] = digest,
    };
}
