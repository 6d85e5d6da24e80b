using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// The bytes around a module document: plain text (JSON or YAML), a gzip stream, or a LogiLlm container for Brotli and for
/// encryption. Container layout: the 8-byte magic <c>89 4C 47 4C 4D 0D 0A 1A</c> ("\x89LGLM\r\n\x1a"), a big-endian
/// 2-byte header length, a small UTF-8 JSON header (<c>v</c>, <c>compression</c>, and for encryption the cipher, KDF, its
/// iterations, salt and nonce), then the payload. Encrypted payloads are AES-256-GCM (key from PBKDF2-SHA256 of the password)
/// over the compressed document, with the magic, length and header as associated data, so none of them can be altered either.
/// </summary>
internal static class ModuleEnvelope
{
    public const int ContainerVersion = 1;
    public const string Cipher = "aes-256-gcm";
    public const string Kdf = "pbkdf2-sha256";
    public const int MinIterations = 10_000;
    public const int MaxIterations = 10_000_000;
    private const int MaxHeaderBytes = 4096;
    private const int SaltBytes = 16;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private static ReadOnlySpan<byte> Magic => [0x89, 0x4C, 0x47, 0x4C, 0x4D, 0x0D, 0x0A, 0x1A];

    public static bool IsGzip(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B;

    public static bool IsContainer(ReadOnlySpan<byte> bytes) => bytes.StartsWith(Magic);

    public static byte[] Wrap(byte[] text, SaveOptions options)
    {
        if (options.Password is null)
        {
            return options.Compression switch
            {
                ModuleCompression.None => text,
                ModuleCompression.Gzip => Compress(text, ModuleCompression.Gzip),
                ModuleCompression.Brotli => Container(Header(ModuleCompression.Brotli, null), Compress(text, ModuleCompression.Brotli)),
                var other => throw new PersistenceException($"Unknown compression {other}"),
            };
        }

        if (options.Password.Length == 0)
        {
            throw new PersistenceException("SaveOptions.Password must not be empty");
        }

        if (options.PasswordIterations is < MinIterations or > MaxIterations)
        {
            throw new PersistenceException($"SaveOptions.PasswordIterations must be in [{MinIterations}, {MaxIterations}], not {options.PasswordIterations}");
        }

        var payload = options.Compression == ModuleCompression.None ? text : Compress(text, options.Compression);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var header = Header(options.Compression, new JsonObject
        {
            ["cipher"] = Cipher,
            ["kdf"] = Kdf,
            ["iterations"] = options.PasswordIterations,
            ["salt"] = Convert.ToBase64String(salt),
            ["nonce"] = Convert.ToBase64String(nonce),
        });
        var prefix = Prefix(header);
        var key = DeriveKey(options.Password, salt, options.PasswordIterations);
        try
        {
            var output = new byte[prefix.Length + payload.Length + TagBytes];
            prefix.CopyTo(output, 0);
            using var aes = new AesGcm(key, TagBytes);
            aes.Encrypt(nonce, payload, output.AsSpan(prefix.Length, payload.Length), output.AsSpan(prefix.Length + payload.Length), prefix);
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Strips every layer down to the document text, recording on <paramref name="context"/> what there was.</summary>
    public static ReadOnlyMemory<byte> Unwrap(ReadOnlyMemory<byte> bytes, LoadContext context)
    {
        var r = context.Reader;
        var maxBytes = context.Options.MaxBytes;
        if (IsGzip(bytes.Span))
        {
            context.Compression = ModuleCompression.Gzip;
            return Decompress(bytes, ModuleCompression.Gzip, maxBytes, r);
        }

        if (!IsContainer(bytes.Span))
        {
            return bytes;
        }

        var span = bytes.Span;
        if (span.Length < Magic.Length + 2)
        {
            throw r.Fail("Truncated LogiLlm container: no header", null);
        }

        var headerLength = BinaryPrimitives.ReadUInt16BigEndian(span[Magic.Length..]);
        var prefixLength = Magic.Length + 2 + headerLength;
        if (headerLength is 0 or > MaxHeaderBytes || span.Length < prefixLength)
        {
            throw r.Fail("Truncated or invalid LogiLlm container header", null);
        }

        JsonObject header;
        try
        {
            header = JsonNode.Parse(span.Slice(Magic.Length + 2, headerLength), documentOptions: new JsonDocumentOptions { MaxDepth = 4 }) as JsonObject
                ?? throw r.Fail("The LogiLlm container header is not a JSON object", null);
        }
        catch (JsonException e)
        {
            throw r.Fail($"The LogiLlm container header is not valid JSON: {e.Message}", null, e);
        }

        if (Int(header, "v") is not ContainerVersion)
        {
            throw r.Fail($"Unsupported LogiLlm container version {header["v"]?.ToJsonString() ?? "(none)"}; this library reads version {ContainerVersion}", null);
        }

        var compression = (Text(header, "compression") ?? "none") switch
        {
            "none" => ModuleCompression.None,
            "gzip" => ModuleCompression.Gzip,
            "brotli" => ModuleCompression.Brotli,
            var other => throw r.Fail($"Unknown compression '{other}' in the LogiLlm container header", null),
        };
        context.Compression = compression;
        var payload = bytes[prefixLength..];
        if (header["encryption"] is JsonObject encryption)
        {
            context.Encrypted = true;
            payload = Decrypt(bytes[..prefixLength], payload, encryption, context);
        }
        else if (header["encryption"] is not null)
        {
            throw r.Fail("Invalid 'encryption' in the LogiLlm container header", null);
        }

        return compression == ModuleCompression.None ? payload : Decompress(payload, compression, maxBytes, r);
    }

    private static byte[] Decrypt(ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> payload, JsonObject encryption, LoadContext context)
    {
        var r = context.Reader;
        if (Text(encryption, "cipher") != Cipher || Text(encryption, "kdf") != Kdf)
        {
            throw r.Fail($"Unsupported encryption ({Text(encryption, "cipher")}, {Text(encryption, "kdf")}); this library reads {Cipher} with {Kdf}", null);
        }

        var iterations = Int(encryption, "iterations");
        if (iterations is not (>= MinIterations and <= MaxIterations))
        {
            throw r.Fail($"Encryption iterations out of range [{MinIterations}, {MaxIterations}]", null);
        }

        var salt = Base64(encryption, "salt", r);
        var nonce = Base64(encryption, "nonce", r);
        if (salt.Length is < SaltBytes or > 64 || nonce.Length != NonceBytes || payload.Length < TagBytes)
        {
            throw r.Fail("Invalid encryption parameters or truncated ciphertext", null);
        }

        if (context.Options.Password is not { Length: > 0 } password)
        {
            throw r.Fail("The file is encrypted with a password: set LoadOptions.Password to load it", null);
        }

        var key = DeriveKey(password, salt, iterations.Value);
        try
        {
            var cipherLength = payload.Length - TagBytes;
            var plain = new byte[cipherLength];
            using var aes = new AesGcm(key, TagBytes);
            aes.Decrypt(nonce, payload.Span[..cipherLength], payload.Span[cipherLength..], plain, prefix.Span);
            return plain;
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw r.Fail("Wrong password, or the encrypted file was modified: decryption failed", null, e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] DeriveKey(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);

    private static byte[] Compress(byte[] data, ModuleCompression compression)
    {
        using var output = new MemoryStream();
        using (Stream stream = compression == ModuleCompression.Gzip
            ? new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)
            : new BrotliStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(ReadOnlyMemory<byte> data, ModuleCompression compression, long maxBytes, DocumentReader r)
    {
        try
        {
            using var input = new MemoryStream(data.ToArray(), writable: false);
            using Stream stream = compression == ModuleCompression.Gzip
                ? new GZipStream(input, CompressionMode.Decompress)
                : new BrotliStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                // A small file may expand to anything: stop at the size limit, as for plain files.
                if (output.Length + read > maxBytes)
                {
                    throw r.Fail($"Decompressed content is too large: more than {maxBytes} bytes", null);
                }

                output.Write(chunk, 0, read);
            }

            return output.ToArray();
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw r.Fail($"Corrupt {compression} data: {e.Message}", null, e);
        }
    }

    private static JsonObject Header(ModuleCompression compression, JsonObject? encryption)
    {
        var header = new JsonObject
        {
            ["v"] = ContainerVersion,
            ["compression"] = compression switch { ModuleCompression.Gzip => "gzip", ModuleCompression.Brotli => "brotli", _ => "none" },
        };
        if (encryption is not null)
        {
            header["encryption"] = encryption;
        }

        return header;
    }

    private static byte[] Prefix(JsonObject header)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var prefix = new byte[Magic.Length + 2 + json.Length];
        Magic.CopyTo(prefix);
        BinaryPrimitives.WriteUInt16BigEndian(prefix.AsSpan(Magic.Length), checked((ushort)json.Length));
        json.CopyTo(prefix, Magic.Length + 2);
        return prefix;
    }

    private static byte[] Container(JsonObject header, byte[] payload)
    {
        var prefix = Prefix(header);
        var output = new byte[prefix.Length + payload.Length];
        prefix.CopyTo(output, 0);
        payload.CopyTo(output, prefix.Length);
        return output;
    }

    private static string? Text(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static int? Int(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<int>(out var i) ? i : null;

    private static byte[] Base64(JsonObject o, string key, DocumentReader r)
    {
        try
        {
            return Convert.FromBase64String(Text(o, key) ?? throw r.Fail($"Missing '{key}' in the encryption header", null));
        }
        catch (FormatException e)
        {
            throw r.Fail($"'{key}' in the encryption header is not base64", null, e);
        }
    }
}
