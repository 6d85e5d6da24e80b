using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// A loaded demo's input or output values, kept as the parsed JSON object until something reads them: a file holds thousands
/// of demos and a prompt uses a few, so building a dictionary of nodes per demo at load time is mostly wasted. The first read
/// builds the same ordered map of nodes (read lazily from the parsed document) the eager reader built; reads are thread-safe.
/// </summary>
internal sealed class ElementValues(JsonElement obj) : IReadOnlyDictionary<string, JsonNode?>
{
    private OrderedDictionary<string, JsonNode?>? _values;

    private OrderedDictionary<string, JsonNode?> Values => _values ?? Materialize();

    public int Count => _values?.Count ?? obj.GetPropertyCount();

    public JsonNode? this[string key] => Values[key];

    public IEnumerable<string> Keys => Values.Keys;

    IEnumerable<JsonNode?> IReadOnlyDictionary<string, JsonNode?>.Values => Values.Values;

    public bool ContainsKey(string key) => Values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonNode? value) => Values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator() => Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private OrderedDictionary<string, JsonNode?> Materialize()
    {
        var values = new OrderedDictionary<string, JsonNode?>(obj.GetPropertyCount(), StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            values[property.Name] = ToNode(property.Value);
        }

        // Two first readers may both build; one map wins and both see it.
        return Interlocked.CompareExchange(ref _values, values, null) ?? values;
    }

    /// <summary>A node over <paramref name="element"/> (read lazily from the parsed document, as a parsed tree's nodes are).</summary>
    private static JsonNode? ToNode(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        _ => JsonValue.Create(element),
    };
}
