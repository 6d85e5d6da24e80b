using System.Collections.ObjectModel;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Signatures;

namespace LogiLlm.Optimizers;

/// <summary>
/// One labelled dataset item: input values and the expected output values, as JSON (the shape of
/// <see cref="Demo"/> and of a JSONL line <c>{"inputs": {...}, "outputs": {...}}</c>). Value equality.
/// </summary>
/// <param name="Inputs">Input field values.</param>
/// <param name="Outputs">Expected output field values.</param>
public sealed record Example(IReadOnlyDictionary<string, JsonNode?> Inputs, IReadOnlyDictionary<string, JsonNode?> Outputs)
{
    /// <summary>Creates an example from anonymous objects, dictionaries, POCOs or JSON objects.</summary>
    /// <example><c>Example.Create(new { email = "Refund please" }, new { category = "refund" })</c></example>
    /// <exception cref="ArgumentException">A value is not an object with named fields.</exception>
    public static Example Create(object inputs, object outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        return new Example(ToJsonDictionary(inputs, nameof(inputs)), ToJsonDictionary(outputs, nameof(outputs)));
    }

    /// <summary>Reads <c>{"inputs": {...}, "outputs": {...}}</c> (a missing <c>outputs</c> means none).</summary>
    /// <exception cref="FormatException"><c>inputs</c> is missing or either member is not an object.</exception>
    public static Example FromJson(JsonObject item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item["inputs"] is not JsonObject inputs)
        {
            throw new FormatException("A dataset item must have an \"inputs\" object.");
        }

        var outputs = item["outputs"] switch
        {
            null => [],
            JsonObject o => o,
            _ => throw new FormatException("The \"outputs\" of a dataset item must be an object."),
        };
        return new Example(ToJsonDictionary(inputs, nameof(item)), ToJsonDictionary(outputs, nameof(item)));
    }

    /// <summary>The item as <c>{"inputs": {...}, "outputs": {...}}</c> (a copy).</summary>
    public JsonObject ToJson() => new()
    {
        ["inputs"] = ToJsonObject(Inputs),
        ["outputs"] = ToJsonObject(Outputs),
    };

    /// <summary>Input values as CLR shapes, ready for <see cref="Module.InvokeAsync(IReadOnlyDictionary{string, object?}, CancellationToken)"/>.</summary>
    public IReadOnlyDictionary<string, object?> InputValues() =>
        Inputs.ToDictionary(kv => kv.Key, kv => FieldValueJson.FromJsonNode(kv.Value), StringComparer.Ordinal);

    /// <summary>Expected output values as CLR shapes.</summary>
    public IReadOnlyDictionary<string, object?> OutputValues() =>
        Outputs.ToDictionary(kv => kv.Key, kv => FieldValueJson.FromJsonNode(kv.Value), StringComparer.Ordinal);

    /// <summary>The example as a demo (inputs and expected outputs).</summary>
    public Demo ToDemo(double score = 1.0, string source = "labeled") =>
        Demo.Create(ToJsonObject(Inputs), ToJsonObject(Outputs), score, source);

    /// <inheritdoc />
    public bool Equals(Example? other) =>
        other is not null && SameValues(Inputs, other.Inputs) && SameValues(Outputs, other.Outputs);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Inputs.Count, Outputs.Count);

    /// <inheritdoc />
    public override string ToString() => ToJson().ToJsonString(FieldValueJson.JsonOptions);

    internal static JsonObject ToJsonObject(IReadOnlyDictionary<string, JsonNode?> values) =>
        new(values.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));

    private static bool SameValues(IReadOnlyDictionary<string, JsonNode?> a, IReadOnlyDictionary<string, JsonNode?> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && JsonNode.DeepEquals(kv.Value, other));

    private static ReadOnlyDictionary<string, JsonNode?> ToJsonDictionary(object values, string parameter)
    {
        if (FieldValueJson.ToJsonNode(values) is not JsonObject obj)
        {
            throw new ArgumentException("Example values must be an object with named fields (anonymous object, dictionary, POCO or JSON object).", parameter);
        }

        var result = new OrderedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            result[key] = value?.DeepClone();
        }

        return new ReadOnlyDictionary<string, JsonNode?>(result);
    }
}
