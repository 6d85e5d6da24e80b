using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>
/// A loaded demo's input or output values, kept as their JSON text (a slice of the loaded file's bytes, already parsed once
/// with the load's limits) until something reads them: a file holds thousands of demos and a prompt uses a few, so building
/// a dictionary of nodes per demo at load time is mostly wasted, and the load's parsed document can go back to the pool.
/// The first read parses the slice into the same ordered map of nodes the eager reader built; reads are thread-safe.
/// </summary>
internal sealed class JsonSliceValues(ReadOnlyMemory<byte> json, int count) : IReadOnlyDictionary<string, JsonNode?>
{
    private static readonly JsonDocumentOptions SliceOptions = new() { MaxDepth = DocumentReader.MaxSupportedDepth };

    private OrderedDictionary<string, JsonNode?>? _values;

    private OrderedDictionary<string, JsonNode?> Values => _values ?? Materialize();

    public int Count => _values?.Count ?? count;

    public JsonNode? this[string key] => Values[key];

    public IEnumerable<string> Keys => Values.Keys;

    IEnumerable<JsonNode?> IReadOnlyDictionary<string, JsonNode?>.Values => Values.Values;

    public bool ContainsKey(string key) => Values.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out JsonNode? value) => Values.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator() => Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The object <paramref name="json"/> holds, as a node of its own (read lazily, as a parsed tree's nodes are).</summary>
    public static JsonObject ParseObject(ReadOnlyMemory<byte> json) => JsonObject.Create(Parse(json))!;

    // Not disposed: the nodes read the parsed slice lazily. The slice was checked by the load (depth, duplicates).
    private static JsonElement Parse(ReadOnlyMemory<byte> json) => JsonDocument.Parse(json, SliceOptions).RootElement;

    private OrderedDictionary<string, JsonNode?> Materialize()
    {
        var obj = Parse(json);
        var values = new OrderedDictionary<string, JsonNode?>(obj.GetPropertyCount(), StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            values[property.Name] = ToNode(property.Value);
        }

        // Two first readers may both build; one map wins and both see it.
        return Interlocked.CompareExchange(ref _values, values, null) ?? values;
    }

    private static JsonNode? ToNode(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Object => JsonObject.Create(element),
        JsonValueKind.Array => JsonArray.Create(element),
        _ => JsonValue.Create(element),
    };
}
