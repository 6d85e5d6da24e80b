using System.Collections.ObjectModel;
using System.Text.Json.Nodes;
using LogiLlm.Signatures;

namespace LogiLlm.Demos;

/// <summary>
/// A few-shot example: input values and the output values a good answer has. A value: to change a demo, replace it
/// (<c>with</c>, or a new demo); the built-in adapters keep a demo's formatted messages for as long as the demo object
/// lives, except for demos whose values can change in place (nested JSON objects or arrays, a dictionary that is not read-only).
/// </summary>
/// <param name="Inputs">Input field values.</param>
/// <param name="Outputs">Output field values.</param>
public sealed record Demo(IReadOnlyDictionary<string, JsonNode?> Inputs, IReadOnlyDictionary<string, JsonNode?> Outputs)
{
    /// <summary>Quality score in [0, 1] (1.0 for hand-written demos).</summary>
    public double Score { get; init; } = 1.0;

    /// <summary>Where the demo came from: "manual", "bootstrap" or "labeled".</summary>
    public string Source { get; init; } = "manual";

    /// <summary>Free-form metadata (created empty on first read when none was given: most demos have none).</summary>
    public JsonObject Metadata
    {
        get => _metadata ?? Interlocked.CompareExchange(ref _metadata, [], null) ?? _metadata;
        init => _metadata = value;
    }

    private JsonObject? _metadata;

    /// <summary>Creation time as written (ISO-8601, possibly without offset as the Python writer saves it); kept verbatim for round trips.</summary>
    public string? Timestamp { get; init; }

    /// <summary>Creates a demo from anonymous objects, dictionaries, POCOs or JSON objects.</summary>
    /// <example><c>Demo.Create(new { email = "Refund please" }, new { category = "refund" }, score: 0.9)</c></example>
    public static Demo Create(object inputs, object outputs, double score = 1.0, string source = "manual")
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        return new Demo(ToJsonDictionary(inputs, nameof(inputs)), ToJsonDictionary(outputs, nameof(outputs)))
        {
            Score = score,
            Source = source,
            Timestamp = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Input values as CLR shapes (see <see cref="FieldValueJson.Normalize"/>).</summary>
    public IReadOnlyDictionary<string, object?> InputValues() => Inputs.ToDictionary(kv => kv.Key, kv => FieldValueJson.FromJsonNode(kv.Value));

    /// <summary>Output values as CLR shapes (see <see cref="FieldValueJson.Normalize"/>).</summary>
    public IReadOnlyDictionary<string, object?> OutputValues() => Outputs.ToDictionary(kv => kv.Key, kv => FieldValueJson.FromJsonNode(kv.Value));

    /// <summary>A deep copy (JSON values and metadata cloned).</summary>
    public Demo DeepClone() => new(Copy(Inputs), Copy(Outputs))
    {
        Score = Score,
        Source = Source,
        Metadata = (JsonObject)Metadata.DeepClone(),
        Timestamp = Timestamp,
    };

    /// <inheritdoc />
    public bool Equals(Demo? other) =>
        other is not null
        && SameValues(Inputs, other.Inputs)
        && SameValues(Outputs, other.Outputs)
        && Score.Equals(other.Score)
        && Source == other.Source
        && Timestamp == other.Timestamp
        && JsonNode.DeepEquals(Metadata, other.Metadata);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Inputs.Count, Outputs.Count, Score, Source);

    private static bool SameValues(IReadOnlyDictionary<string, JsonNode?> a, IReadOnlyDictionary<string, JsonNode?> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && JsonNode.DeepEquals(kv.Value, other));

    private static ReadOnlyDictionary<string, JsonNode?> Copy(IReadOnlyDictionary<string, JsonNode?> source)
    {
        var copy = new OrderedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in source)
        {
            copy[key] = value?.DeepClone();
        }

        return new ReadOnlyDictionary<string, JsonNode?>(copy);
    }

    private static ReadOnlyDictionary<string, JsonNode?> ToJsonDictionary(object values, string parameter)
    {
        if (FieldValueJson.ToJsonNode(values) is not JsonObject obj)
        {
            throw new ArgumentException("Demo values must be an object with named fields (anonymous object, dictionary, POCO or JSON object).", parameter);
        }

        var result = new OrderedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in obj)
        {
            result[key] = value?.DeepClone();
        }

        return new ReadOnlyDictionary<string, JsonNode?>(result);
    }
}
