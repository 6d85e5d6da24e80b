using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// The optional integrity block of a module file: <c>"integrity": {"algorithm": "sha256", "digest": "…"}</c>.
/// The digest is SHA-256 over the canonical form of the document without <c>integrity</c> and without
/// <c>save_timestamp</c> (so it is a content hash: the same module saved twice has the same digest).
/// Canonical form: object keys sorted by ordinal, no whitespace, values as written.
/// </summary>
public static class IntegrityDigest
{
    /// <summary>The only algorithm written and accepted.</summary>
    public const string Algorithm = "sha256";

    private static readonly JsonWriterOptions CanonicalWriterOptions = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
        MaxDepth = 4096,
    };

    /// <summary>Computes the lower-case hex digest of <paramref name="document"/> (ignoring its integrity and timestamp).</summary>
    public static string Compute(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, CanonicalWriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in document.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (key is ModuleFileFormat.Keys.Integrity or ModuleFileFormat.Keys.SaveTimestamp)
                {
                    continue;
                }

                writer.WritePropertyName(key);
                WriteCanonical(writer, value);
            }

            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>Builds the integrity block for <paramref name="document"/>.</summary>
    public static JsonObject CreateBlock(JsonObject document) => new()
    {
        [ModuleFileFormat.Keys.Algorithm] = Algorithm,
        [ModuleFileFormat.Keys.Digest] = Compute(document),
    };

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
