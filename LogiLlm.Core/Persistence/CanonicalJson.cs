using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// Canonical JSON: object keys sorted by ordinal, no white space, relaxed escaping. Equal content gives equal bytes
/// whatever the key order or formatting of the source, which is what digests (integrity, dataset lineage) need.
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

    internal static KeyValuePair<string, JsonNode?>[] Sorted(JsonObject obj)
    {
        var pairs = new KeyValuePair<string, JsonNode?>[obj.Count];
        var i = 0;
        var sorted = true;
        foreach (var pair in obj)
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

    /// <summary>Writes <paramref name="node"/> canonically.</summary>
    public static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in Sorted(obj))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
