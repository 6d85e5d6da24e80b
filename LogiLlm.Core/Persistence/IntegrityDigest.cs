using System.Buffers;
using System.Runtime.InteropServices;
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

        return Hash(writer => WriteCanonical(writer, document, skipUnsigned: true));
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

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element, bool skipUnsigned = false)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                var count = element.GetPropertyCount();
                var properties = ArrayPool<JsonProperty>.Shared.Rent(count);
                try
                {
                    var n = 0;
                    var ascii = true;
                    foreach (var property in element.EnumerateObject())
                    {
                        properties[n++] = property;
                        ascii &= IsPlainAscii(JsonMarshal.GetRawUtf8PropertyName(property));
                    }

                    // Plain ASCII names sort by their raw bytes exactly as strings sort by ordinal (no string per name).
                    var span = properties.AsSpan(0, n);
                    if (ascii)
                    {
                        span.Sort(static (a, b) => JsonMarshal.GetRawUtf8PropertyName(a).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b)));
                    }
                    else
                    {
                        span.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                    }

                    foreach (var property in span)
                    {
                        if (skipUnsigned && (property.NameEquals(ModuleFileFormat.Keys.Integrity) || property.NameEquals(ModuleFileFormat.Keys.SaveTimestamp) || property.NameEquals(ModuleFileFormat.Keys.Seal)))
                        {
                            continue;
                        }

                        if (ascii)
                        {
                            writer.WritePropertyName(JsonMarshal.GetRawUtf8PropertyName(property));
                        }
                        else
                        {
                            writer.WritePropertyName(property.Name);
                        }

                        WriteCanonical(writer, property.Value);
                    }
                }
                finally
                {
                    ArrayPool<JsonProperty>.Shared.Return(properties, clearArray: true);
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

    /// <summary>Printable ASCII without escapes: the raw bytes are the name itself.</summary>
    private static bool IsPlainAscii(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (b is < 0x20 or >= 0x7F or (byte)'\\')
            {
                return false;
            }
        }

        return true;
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
