using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// Canonical JSON: object keys sorted by ordinal, no white space, relaxed escaping. Equal content gives equal bytes
/// whatever the key order or formatting of the source, which is what digests (integrity, dataset lineage, prediction
/// keys) and comparisons (the Studio's diff, which compiles this file too) need. The only canonical writer: over nodes
/// and over parsed elements, with the same bytes for the same content.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Writer options for canonical output.</summary>
    public static JsonWriterOptions WriterOptions { get; } = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
        MaxDepth = 4096,
    };

    /// <summary>Writes <paramref name="node"/> canonically.</summary>
    public static void Write(Utf8JsonWriter writer, JsonNode? node) => Write(writer, node, []);

    /// <summary>Writes <paramref name="node"/> canonically, leaving out the top-level keys in <paramref name="excluded"/>.</summary>
    public static void Write(Utf8JsonWriter writer, JsonNode? node, ReadOnlySpan<string> excluded)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                WriteObject(writer, obj, obj.Count, excluded);
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item, []);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when value.GetValueKind() is JsonValueKind.Object or JsonValueKind.Array:
                // A value wrapping a CLR object or collection serializes its members in declaration order: canonical
                // form sorts them like any object's (the reader sees an object).
                using (var document = JsonDocument.Parse(value.ToJsonString()))
                {
                    Write(writer, document.RootElement, []);
                }

                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>Writes <paramref name="element"/> canonically (the same bytes as for the equivalent <see cref="JsonNode"/>).</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement element) => Write(writer, element, []);

    /// <summary>Writes <paramref name="element"/> canonically, leaving out the top-level keys in <paramref name="excluded"/>.</summary>
    public static void Write(Utf8JsonWriter writer, JsonElement element, ReadOnlySpan<string> excluded)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(writer, element, excluded);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item, []);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    /// <summary><paramref name="node"/> as canonical JSON text.</summary>
    public static string ToText(JsonNode? node) => System.Text.Encoding.UTF8.GetString(ToUtf8(node).WrittenSpan);

    /// <summary><paramref name="node"/> as canonical UTF-8 bytes.</summary>
    public static ArrayBufferWriter<byte> ToUtf8(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, node);
        }

        return buffer;
    }

    /// <summary>
    /// Writes the <paramref name="count"/> <paramref name="members"/> of an object (a node's or a dictionary's) canonically,
    /// leaving out the keys in <paramref name="excluded"/>.
    /// </summary>
    internal static void WriteObject(Utf8JsonWriter writer, IEnumerable<KeyValuePair<string, JsonNode?>> members, int count, ReadOnlySpan<string> excluded = default)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in SortByKey(members, count))
        {
            if (!excluded.Contains(key))
            {
                writer.WritePropertyName(key);
                Write(writer, value, []);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes a dictionary's members canonically; when its keys are already in order (the usual case), without copying them.</summary>
    internal static void WriteObject(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonNode?> members)
    {
        string? previous = null;
        foreach (var key in members.Keys)
        {
            if (previous is not null && string.CompareOrdinal(previous, key) > 0)
            {
                WriteObject(writer, members, members.Count);
                return;
            }

            previous = key;
        }

        writer.WriteStartObject();
        foreach (var (key, value) in members)
        {
            writer.WritePropertyName(key);
            Write(writer, value, []);
        }

        writer.WriteEndObject();
    }

    /// <summary>The <paramref name="count"/> pairs in canonical key order (ordinal), as a new array.</summary>
    internal static KeyValuePair<string, T>[] SortByKey<T>(IEnumerable<KeyValuePair<string, T>> members, int count)
    {
        var pairs = new KeyValuePair<string, T>[count];
        var i = 0;
        var sorted = true;
        foreach (var pair in members)
        {
            if (i > 0 && string.CompareOrdinal(pairs[i - 1].Key, pair.Key) > 0)
            {
                sorted = false;
            }

            pairs[i++] = pair;
        }

        if (!sorted)
        {
            Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        }

        return pairs;
    }

    /// <summary>The pairs of <paramref name="members"/> in canonical key order.</summary>
    internal static KeyValuePair<string, T>[] SortByKey<T>(List<KeyValuePair<string, T>> members) => SortByKey(members, members.Count);

    /// <summary><paramref name="keys"/> in canonical order (ordinal), for writers that know an object's keys in advance.</summary>
    internal static string[] SortKeys(IEnumerable<string> keys)
    {
        var sorted = keys.ToArray();
        Array.Sort(sorted, string.CompareOrdinal);
        return sorted;
    }

    private static void WriteObject(Utf8JsonWriter writer, JsonElement element, ReadOnlySpan<string> excluded)
    {
        // Each level keeps its small objects' properties on the stack: a document nested as deep as a host allows
        // (DocumentReader.MaxSupportedDepth) must end in an exception the loader reports, never in a stack overflow.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        writer.WriteStartObject();
        var count = element.GetPropertyCount();
        // Most objects are small: their properties sit on the stack; only large ones rent an array.
        var small = default(SmallProperties);
        var rented = count > SmallProperties.Length ? ArrayPool<JsonProperty>.Shared.Rent(count) : null;
        var properties = rented is null ? ((Span<JsonProperty>)small)[..count] : rented.AsSpan(0, count);
        try
        {
            var n = 0;
            var ascii = true;
            var sorted = true;
            foreach (var property in element.EnumerateObject())
            {
                var name = JsonMarshal.GetRawUtf8PropertyName(property);
                ascii &= IsPlainAscii(name);
                sorted &= n == 0 || JsonMarshal.GetRawUtf8PropertyName(properties[n - 1]).SequenceCompareTo(name) < 0;
                properties[n++] = property;
            }

            // Plain ASCII names sort by their raw bytes exactly as strings sort by ordinal (no string per name).
            if (!ascii)
            {
                properties.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            }
            else if (!sorted)
            {
                SortByRawName(properties);
            }

            foreach (var property in properties)
            {
                if (!excluded.IsEmpty && IsExcluded(property, excluded))
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

                Write(writer, property.Value, []);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<JsonProperty>.Shared.Return(rented, clearArray: true);
            }
        }

        writer.WriteEndObject();
    }

    private static void SortByRawName(Span<JsonProperty> properties)
    {
        if (properties.Length > SmallProperties.Length)
        {
            properties.Sort(static (a, b) => JsonMarshal.GetRawUtf8PropertyName(a).SequenceCompareTo(JsonMarshal.GetRawUtf8PropertyName(b)));
            return;
        }

        // Insertion sort: a handful of names, usually nearly in order.
        for (var i = 1; i < properties.Length; i++)
        {
            var current = properties[i];
            var name = JsonMarshal.GetRawUtf8PropertyName(current);
            var j = i - 1;
            while (j >= 0 && JsonMarshal.GetRawUtf8PropertyName(properties[j]).SequenceCompareTo(name) > 0)
            {
                properties[j + 1] = properties[j];
                j--;
            }

            properties[j + 1] = current;
        }
    }

    [System.Runtime.CompilerServices.InlineArray(Length)]
    private struct SmallProperties
    {
        public const int Length = 16;
        private JsonProperty _first;
    }

    private static bool IsExcluded(JsonProperty property, ReadOnlySpan<string> excluded)
    {
        foreach (var key in excluded)
        {
            if (property.NameEquals(key))
            {
                return true;
            }
        }

        return false;
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
}
