using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// Reads module documents with limits (size before parsing, nesting depth, no duplicate keys) and offers
/// typed accessors that fail with <see cref="PersistenceException"/> naming the file and JSON path.
/// </summary>
/// <remarks>
/// Longer than most files: the bounded reading of the bytes (size before parsing, depth, duplicate keys) and one
/// accessor per JSON kind (object, array, string, bool, number, integer), the hot ones (array, string, integer) also
/// for the parsed bytes, with the same checks and messages: a document must fail alike whichever path reads a
/// field, which is easiest to keep true when the pairs sit together.
/// </remarks>
internal sealed class DocumentReader
{
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>Largest nesting any load accepts, whatever <see cref="LoadOptions.MaxDepth"/> says.</summary>
    public const int MaxSupportedDepth = 1000;

    /// <summary>How the node trees of a load are built (keys compared exactly, as in the file).</summary>
    public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    public DocumentReader(string? filePath) => FilePath = filePath;

    public string? FilePath { get; }

    /// <summary>Reads a whole file, refusing it before reading when it exceeds <paramref name="maxBytes"/>.</summary>
    public static byte[] ReadFile(string path, long maxBytes)
    {
        var bytes = ReadFile(path, maxBytes, rent: false, out _);
        return MemoryMarshal.TryGetArray(bytes, out var whole) && whole.Offset == 0 && whole.Count == whole.Array!.Length ? whole.Array : bytes.ToArray();
    }

    /// <summary>
    /// As <see cref="ReadFile(string, long)"/>; with <paramref name="rent"/>, a regular file is read into an array from
    /// <see cref="ArrayPool{T}.Shared"/>, returned in <paramref name="rented"/> for the caller to give back once nothing reads it.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadFile(string path, long maxBytes, bool rent, out byte[]? rented)
    {
        rented = null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            if (!stream.CanSeek)
            {
                return ReadLimited(stream, maxBytes, path);
            }

            if (stream.Length > maxBytes || stream.Length > Array.MaxLength)
            {
                throw new PersistenceException($"File is too large: {stream.Length} bytes, the limit is {maxBytes} bytes", path, null);
            }

            // The usual case: a regular file of known size is read straight into one buffer of that size (or a rented one).
            // Uninitialized: ReadExactly fills every byte or throws.
            var length = (int)stream.Length;
            var bytes = rent ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);
            try
            {
                stream.ReadExactly(bytes, 0, length);
                if (stream.ReadByte() < 0)
                {
                    rented = rent ? bytes : null;
                    return bytes.AsMemory(0, length);
                }
            }
            finally
            {
                if (rent && rented is null)
                {
                    ArrayPool<byte>.Shared.Return(bytes);
                }
            }

            // It grew while we read it (or is a special file reporting no length): read it as a stream, with the limit.
            stream.Position = 0;
            return ReadLimited(stream, maxBytes, path);
        }
        catch (PersistenceException)
        {
            throw;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new PersistenceException($"File not found: {path}", path, null, e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PersistenceException($"Cannot read file: {e.Message}", path, null, e);
        }
    }

    /// <summary>Reads a stream to its end, failing as soon as more than <paramref name="maxBytes"/> arrive.</summary>
    public static byte[] ReadLimited(Stream stream, long maxBytes, string? filePath)
    {
        try
        {
            if (stream.CanSeek && stream.Length - stream.Position > maxBytes)
            {
                throw new PersistenceException($"Input is too large: {stream.Length - stream.Position} bytes, the limit is {maxBytes} bytes", filePath, null);
            }

            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw new PersistenceException($"Input is too large: more than {maxBytes} bytes", filePath, null);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (PersistenceException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PersistenceException($"Cannot read input: {e.Message}", filePath, null, e);
        }
    }

    /// <summary>Parses UTF-8 bytes into a root object with the given depth limit.</summary>
    /// <remarks>The document is not disposed on purpose: the nodes built over it read it lazily (as JsonNode.Parse does).</remarks>
    public JsonObject ParseRoot(ReadOnlyMemory<byte> utf8, long maxBytes, int maxDepth) =>
        JsonObject.Create(Parse(utf8, maxBytes, maxDepth).RootElement, NodeOptions)!;

    /// <summary>
    /// Parses UTF-8 bytes with the limits into a document whose root is an object. The document reads
    /// <paramref name="utf8"/> in place (the caller hands the buffer over and does not change it) and its index comes from
    /// the shared pool: dispose it when nothing reads it any more, or leave it to the collector when nodes read it lazily.
    /// </summary>
    public JsonDocument Parse(ReadOnlyMemory<byte> utf8, long maxBytes, int maxDepth)
    {
        if (utf8.Length > maxBytes)
        {
            throw Fail($"Input is too large: {utf8.Length} bytes, the limit is {maxBytes} bytes", null);
        }

        utf8 = WithoutBom(utf8);
        if (utf8.IsEmpty)
        {
            throw Fail("Input is empty, expected a JSON object", JsonPaths.Root);
        }

        // Deeper documents would only feed recursion; the limit is capped so that no setting can exhaust the stack.
        maxDepth = Math.Clamp(maxDepth, 1, MaxSupportedDepth);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(
                utf8,
                new JsonDocumentOptions
                {
                    MaxDepth = maxDepth,
                    AllowTrailingCommas = false,
                    CommentHandling = JsonCommentHandling.Disallow,
                    AllowDuplicateProperties = false,
                });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, byte {e.BytePositionInLine + 1}" : string.Empty;
            var depth = e.Message.Contains("depth", StringComparison.OrdinalIgnoreCase) ? $" (nesting limit {maxDepth})" : string.Empty;
            throw Fail($"Invalid JSON{where}{depth}: {e.Message}", e.Path ?? JsonPaths.Root, e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw Fail($"Invalid JSON: {e.Message}", JsonPaths.Root, e);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw Fail($"Expected a JSON object at the top level, found {Describe(kind)}", JsonPaths.Root);
        }

        return document;
    }

    /// <summary><paramref name="utf8"/> without its UTF-8 byte order mark, if it has one.</summary>
    public static ReadOnlyMemory<byte> WithoutBom(ReadOnlyMemory<byte> utf8) => utf8.Span.StartsWith(Utf8Bom) ? utf8[Utf8Bom.Length..] : utf8;

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    public PersistenceException Fail(string message, string? jsonPath, Exception? inner = null) =>
        new(message, FilePath, jsonPath, inner);

    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Null => "null",
            var k => k.ToString(),
        },
        _ => node.GetType().Name,
    };

    // ---- typed accessors -------------------------------------------------------------------------

    public JsonObject RequireObject(JsonObject parent, string key, string parentPath) =>
        OptionalObject(parent, key, parentPath) ?? throw Fail($"Missing required object '{key}'", JsonPaths.Property(parentPath, key));

    /// <summary>The object at <paramref name="key"/>, or null when absent or JSON null.</summary>
    public JsonObject? OptionalObject(JsonObject parent, string key, string parentPath)
    {
        if (!parent.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        return AsObject(node, JsonPaths.Property(parentPath, key));
    }

    public JsonObject AsObject(JsonNode? node, string path) =>
        node as JsonObject ?? throw Fail($"Expected an object, found {Describe(node)}", path);

    public JsonArray? OptionalArray(JsonObject parent, string key, string parentPath)
    {
        if (!parent.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        return node as JsonArray ?? throw Fail($"Expected an array, found {Describe(node)}", JsonPaths.Property(parentPath, key));
    }

    public string RequireString(JsonObject parent, string key, string parentPath) =>
        OptionalString(parent, key, parentPath) ?? throw Fail($"Missing required string '{key}'", JsonPaths.Property(parentPath, key));

    public string? OptionalString(JsonObject parent, string key, string parentPath)
    {
        if (!parent.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        // The path is built only for a failure: a load reads thousands of values that are fine.
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw Fail($"Expected a string, found {Describe(node)}", JsonPaths.Property(parentPath, key));
    }

    public string AsString(JsonNode? node, string path) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw Fail($"Expected a string, found {Describe(node)}", path);

    public bool? OptionalBool(JsonObject parent, string key, string parentPath)
    {
        if (!parent.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        return node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? v.GetValue<bool>()
            : throw Fail($"Expected true or false, found {Describe(node)}", JsonPaths.Property(parentPath, key));
    }

    public double? OptionalDouble(JsonObject parent, string key, string parentPath)
    {
        if (!parent.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var d) && double.IsFinite(d))
        {
            return d;
        }

        throw Fail($"Expected a number, found {Describe(node)}", JsonPaths.Property(parentPath, key));
    }

    public long? OptionalInteger(JsonObject parent, string key, string parentPath, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!parent.TryGetPropertyValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            long? value = null;
            if (v.TryGetValue<long>(out var l))
            {
                value = l;
            }
            else if (v.TryGetValue<double>(out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9.0e15)
            {
                // Python may write whole floats such as 5.0 where an int is meant; accept them when exact.
                value = (long)d;
            }

            if (value is { } n)
            {
                return n >= min && n <= max ? n : throw Fail($"Number {n} is out of range [{min}, {max}]", JsonPaths.Property(parentPath, key));
            }
        }

        throw Fail($"Expected a whole number, found {Describe(node)}", JsonPaths.Property(parentPath, key));
    }

    // ---- the same accessors over the parsed document (absent and JSON null are both "not given") ----------

    public JsonElement? OptionalArray(JsonElement parent, string key, string parentPath)
    {
        if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Array ? value : throw Fail($"Expected an array, found {Describe(value.ValueKind)}", JsonPaths.Property(parentPath, key));
    }

    public string? OptionalString(JsonElement parent, string key, string parentPath)
    {
        if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Fail($"Expected a string, found {Describe(value.ValueKind)}", JsonPaths.Property(parentPath, key));
    }

    public long? OptionalInteger(JsonElement parent, string key, string parentPath, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!parent.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            long? number = null;
            if (value.TryGetInt64(out var l))
            {
                number = l;
            }
            else if (value.TryGetDouble(out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9.0e15)
            {
                number = (long)d;
            }

            if (number is { } n)
            {
                return n >= min && n <= max ? n : throw Fail($"Number {n} is out of range [{min}, {max}]", JsonPaths.Property(parentPath, key));
            }
        }

        throw Fail($"Expected a whole number, found {Describe(value.ValueKind)}", JsonPaths.Property(parentPath, key));
    }

    /// <summary>Detached deep copy of <paramref name="node"/> (so it can live in a new tree).</summary>
    public static JsonNode? Detach(JsonNode? node) => node?.DeepClone();
}
