using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// The optional integrity block of a module file: <c>"integrity": {"algorithm": "sha256", "digest": "…"}</c>.
/// The digest is SHA-256 over the canonical form of the document without <c>integrity</c> and without
/// <c>save_timestamp</c> and the <c>seal</c> (so it is a content hash: the same module saved twice has the same digest).
/// Canonical form: object keys sorted by ordinal, no whitespace, values as written.
/// </summary>
public static class IntegrityDigest
{
    /// <summary>The only algorithm written and accepted.</summary>
    public const string Algorithm = "sha256";

    /// <summary>Computes the lower-case hex digest of <paramref name="document"/> (ignoring its integrity and timestamp).</summary>
    public static string Compute(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Hash(writer =>
        {
            writer.WriteStartObject();
            foreach (var (key, value) in CanonicalJson.Sorted(document))
            {
                if (key is ModuleFileFormat.Keys.Integrity or ModuleFileFormat.Keys.SaveTimestamp or ModuleFileFormat.Keys.Seal)
                {
                    continue;
                }

                writer.WritePropertyName(key);
                CanonicalJson.Write(writer, value);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>Computes the digest of a parsed document (same result as for the equivalent <see cref="JsonObject"/>).</summary>
    public static string Compute(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException("The document must be a JSON object.", nameof(document));
        }

        return Hash(writer =>
        {
            writer.WriteStartObject();
            foreach (var property in SortedProperties(document))
            {
                if (property.NameEquals(ModuleFileFormat.Keys.Integrity) || property.NameEquals(ModuleFileFormat.Keys.SaveTimestamp) || property.NameEquals(ModuleFileFormat.Keys.Seal))
                {
                    continue;
                }

                writer.WritePropertyName(property.Name);
                WriteCanonical(writer, property.Value);
            }

            writer.WriteEndObject();
        });
    }

    /// <summary>Builds the integrity block for <paramref name="document"/>.</summary>
    public static JsonObject CreateBlock(JsonObject document) => new()
    {
        [ModuleFileFormat.Keys.Algorithm] = Algorithm,
        [ModuleFileFormat.Keys.Digest] = Compute(document),
    };

    private static string Hash(Action<Utf8JsonWriter> write)
    {
        // The canonical bytes are hashed as they are produced, through a small buffer, never held whole.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var sink = new HashingBufferWriter(hash);
        using (var writer = new Utf8JsonWriter(sink, CanonicalJson.WriterOptions))
        {
            write(writer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in SortedProperties(element))
                {
                    writer.WritePropertyName(property.Name);
                    WriteCanonical(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static JsonProperty[] SortedProperties(JsonElement obj)
    {
        var properties = obj.EnumerateObject().ToArray();
        var sorted = true;
        for (var i = 1; i < properties.Length && sorted; i++)
        {
            sorted = string.CompareOrdinal(properties[i - 1].Name, properties[i].Name) <= 0;
        }

        if (!sorted)
        {
            Array.Sort(properties, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        }

        return properties;
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> that feeds everything written to a hash and reuses one buffer.</summary>
    private sealed class HashingBufferWriter(IncrementalHash hash) : IBufferWriter<byte>
    {
        private byte[] _buffer = new byte[16 * 1024];

        public void Advance(int count) => hash.AppendData(_buffer, 0, count);

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > _buffer.Length)
            {
                _buffer = new byte[sizeHint];
            }

            return _buffer;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
    }


}
