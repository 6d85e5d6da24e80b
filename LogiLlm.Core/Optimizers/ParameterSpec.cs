using System.Globalization;
using System.Text.Json.Nodes;

namespace LogiLlm.Optimizers;

/// <summary>
/// One searchable hyperparameter: a module config key (<c>temperature</c>, <c>top_p</c>, <c>max_tokens</c>, ...)
/// or <see cref="DemoCountKey"/>, with its range or choices. Float values are rounded to
/// <see cref="FloatDigits"/> decimals so that configs stay readable and reproducible.
/// </summary>
public sealed class ParameterSpec
{
    /// <summary>The special key that sets <see cref="Demos.DemoManager.MaxDemos"/> (how many demos go into a prompt) instead of a config key.</summary>
    public const string DemoCountKey = "num_demos";

    /// <summary>Decimals kept in sampled float values.</summary>
    public const int FloatDigits = 4;

    private ParameterSpec(string name, ParameterKind kind, double min, double max, IReadOnlyList<JsonNode?> choices)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
        Min = min;
        Max = max;
        Choices = choices;
    }

    /// <summary>The config key.</summary>
    public string Name { get; }

    /// <summary>Float, Int or Categorical.</summary>
    public ParameterKind Kind { get; }

    /// <summary>Lower bound (numeric kinds).</summary>
    public double Min { get; }

    /// <summary>Upper bound (numeric kinds).</summary>
    public double Max { get; }

    /// <summary>The values of a categorical parameter (empty for numeric kinds).</summary>
    public IReadOnlyList<JsonNode?> Choices { get; }

    /// <summary>A real-valued parameter in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <exception cref="ArgumentException">Bounds not finite or min greater than max.</exception>
    public static ParameterSpec Float(string name, double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || min > max)
        {
            throw new ArgumentException($"Parameter '{name}' needs finite bounds with min <= max (got {min}, {max}).", nameof(min));
        }

        return new ParameterSpec(name, ParameterKind.Float, min, max, []);
    }

    /// <summary>An integer parameter in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <exception cref="ArgumentException">min greater than max.</exception>
    public static ParameterSpec Int(string name, int min, int max)
    {
        if (min > max)
        {
            throw new ArgumentException($"Parameter '{name}' needs min <= max (got {min}, {max}).", nameof(min));
        }

        return new ParameterSpec(name, ParameterKind.Int, min, max, []);
    }

    /// <summary>A parameter taking one of <paramref name="choices"/> (strings, numbers, booleans, JSON).</summary>
    /// <exception cref="ArgumentException">No choices.</exception>
    public static ParameterSpec Categorical(string name, IEnumerable<JsonNode?> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var list = choices.Select(c => c?.DeepClone()).ToArray();
        if (list.Length == 0)
        {
            throw new ArgumentException($"Categorical parameter '{name}' needs at least one choice.", nameof(choices));
        }

        return new ParameterSpec(name, ParameterKind.Categorical, 0, list.Length - 1, list);
    }

    /// <summary>A categorical parameter over strings.</summary>
    public static ParameterSpec Categorical(string name, params string[] choices) =>
        Categorical(name, (choices ?? throw new ArgumentNullException(nameof(choices))).Select(c => (JsonNode?)JsonValue.Create(c)));

    /// <summary>Draws a value with <paramref name="random"/> (one draw per call).</summary>
    public JsonNode? Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Kind switch
        {
            ParameterKind.Float => JsonValue.Create(Math.Round(Min + (random.NextDouble() * (Max - Min)), FloatDigits)),
            ParameterKind.Int => JsonValue.Create(random.NextInt64((long)Min, (long)Max + 1)),
            _ => Choices[random.Next(Choices.Count)]?.DeepClone(),
        };
    }

    /// <summary>
    /// Grid points: <paramref name="resolution"/> evenly spaced values from min to max for floats; every integer
    /// when there are at most <paramref name="resolution"/>, else evenly spaced distinct integers; every choice.
    /// </summary>
    public IReadOnlyList<JsonNode?> GridValues(int resolution)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resolution, 1);
        switch (Kind)
        {
            case ParameterKind.Float:
                if (resolution == 1 || Min == Max)
                {
                    return [JsonValue.Create(Math.Round((Min + Max) / 2, FloatDigits))];
                }

                return Enumerable.Range(0, resolution)
                    .Select(i => Math.Round(Min + ((Max - Min) * i / (resolution - 1)), FloatDigits))
                    .Distinct()
                    .Select(v => (JsonNode?)JsonValue.Create(v))
                    .ToArray();
            case ParameterKind.Int:
                var count = (long)Max - (long)Min + 1;
                var values = count <= resolution
                    ? Enumerable.Range(0, (int)count).Select(i => (long)Min + i)
                    : Enumerable.Range(0, resolution).Select(i => (long)Math.Round(Min + ((Max - Min) * i / Math.Max(1, resolution - 1)))).Distinct();
                return values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray();
            default:
                return Choices.Select(c => c?.DeepClone()).ToArray();
        }
    }

    /// <summary>The spec as JSON (for settings in lineage).</summary>
    public JsonObject ToJson() => Kind switch
    {
        ParameterKind.Categorical => new JsonObject { ["type"] = "categorical", ["choices"] = new JsonArray(Choices.Select(c => c?.DeepClone()).ToArray()) },
        ParameterKind.Int => new JsonObject { ["type"] = "int", ["min"] = (long)Min, ["max"] = (long)Max },
        _ => new JsonObject { ["type"] = "float", ["min"] = Min, ["max"] = Max },
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ParameterKind.Categorical => $"{Name}: [{string.Join(", ", Choices.Select(c => c?.ToJsonString() ?? "null"))}]",
        ParameterKind.Int => string.Create(CultureInfo.InvariantCulture, $"{Name}: int({(long)Min}, {(long)Max})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Name}: ({Min}, {Max})"),
    };
}
