using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// The one document digest: lower-case hex SHA-256. Of a stored document's bytes it names a registry version
/// (<see cref="Registry.ModuleVersionInfo.Sha256"/>, the blob metadata, the inference caches' keys); of canonical JSON
/// (<see cref="CanonicalJson"/>) it names content whatever its formatting (dataset lineage, prediction keys).
/// The integrity block of a file (<see cref="IntegrityDigest"/>) is the same hash over the canonical document.
/// </summary>
public static class DocumentDigest
{
    /// <summary>The digest of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The digest of <paramref name="document"/>'s UTF-8 bytes.</summary>
    public static string Of(string document) => Of(Encoding.UTF8.GetBytes(document));

    /// <summary>The digest of <paramref name="node"/> written as canonical JSON.</summary>
    public static string OfCanonical(JsonNode? node) => Of(CanonicalJson.ToUtf8(node).WrittenSpan);

    /// <summary>
    /// The digest of what <paramref name="write"/> writes with <see cref="CanonicalJson.WriterOptions"/>; the bytes are hashed
    /// as they are produced, through a small buffer, never held whole.
    /// </summary>
    public static string OfWritten(Action<Utf8JsonWriter> write) => OfWritten(write, CanonicalJson.WriterOptions);

    /// <summary>
    /// As <see cref="OfWritten(Action{Utf8JsonWriter})"/> for this library's own canonical writers, which write well-formed JSON
    /// by construction (from a parsed document or a module): the writer skips re-checking the structure, the bytes are the same.
    /// </summary>
    internal static string OfTrustedWriter(Action<Utf8JsonWriter> write) => OfWritten(write, TrustedWriterOptions);

    private static readonly JsonWriterOptions TrustedWriterOptions = CanonicalJson.WriterOptions with { SkipValidation = true };

    private static string OfWritten(Action<Utf8JsonWriter> write, JsonWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var sink = new HashingBufferWriter(hash);
        using (var writer = new Utf8JsonWriter(sink, options))
        {
            write(writer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
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
