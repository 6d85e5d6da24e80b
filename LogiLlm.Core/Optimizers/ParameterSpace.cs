using System.Collections;
using System.Text.Json.Nodes;

namespace LogiLlm.Optimizers;

/// <summary>
/// The hyperparameters an optimizer may set, by name, in order. Written with a collection initializer:
/// <code>
/// var space = new ParameterSpace
/// {
///     { "temperature", 0.0, 1.0 },        // float range
///     { "top_p", 0.8, 1.0 },
///     { "max_tokens", 64, 256 },           // int range
///     ParameterSpec.Categorical("adapter_hint", "brief", "detailed"),
/// };
/// </code>
/// </summary>
public sealed class ParameterSpace : IReadOnlyList<ParameterSpec>
{
    private readonly List<ParameterSpec> _parameters = [];

    /// <summary>LogiLLM's usual space: <c>temperature</c> in [0, 1] and <c>top_p</c> in [0.8, 1] (a new instance each time).</summary>
    public static ParameterSpace Default => new() { { ModuleConfig.TemperatureKey, 0.0, 1.0 }, { ModuleConfig.TopPKey, 0.8, 1.0 } };

    /// <inheritdoc />
    public int Count => _parameters.Count;

    /// <inheritdoc />
    public ParameterSpec this[int index] => _parameters[index];

    /// <summary>Adds a parameter.</summary>
    /// <exception cref="ArgumentException">A parameter of that name exists.</exception>
    public void Add(ParameterSpec parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (_parameters.Any(p => p.Name == parameter.Name))
        {
            throw new ArgumentException($"The parameter space already has '{parameter.Name}'.", nameof(parameter));
        }

        _parameters.Add(parameter);
    }

    /// <summary>Adds a float range.</summary>
    public void Add(string name, double min, double max) => Add(ParameterSpec.Float(name, min, max));

    /// <summary>Adds an integer range.</summary>
    public void Add(string name, int min, int max) => Add(ParameterSpec.Int(name, min, max));

    /// <summary>A copy with <paramref name="parameter"/> added.</summary>
    public ParameterSpace With(ParameterSpec parameter)
    {
        var copy = new ParameterSpace();
        foreach (var p in _parameters)
        {
            copy.Add(p);
        }

        copy.Add(parameter);
        return copy;
    }

    /// <summary>One random configuration (draws once per parameter, in order).</summary>
    public JsonObject Sample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var config = new JsonObject();
        foreach (var parameter in _parameters)
        {
            config[parameter.Name] = parameter.Sample(random);
        }

        return config;
    }

    /// <summary>The most configurations <see cref="Grid"/> builds: a larger grid is refused before anything is built.</summary>
    public const int MaxGridSize = 10_000;

    /// <summary>How many configurations <see cref="Grid"/> would hold (saturating at <see cref="long.MaxValue"/>).</summary>
    public long GridSize(int resolution)
    {
        long size = 1;
        foreach (var parameter in _parameters)
        {
            var count = parameter.GridValues(resolution).Count;
            size = count == 0 ? 0 : size > long.MaxValue / count ? long.MaxValue : size * count;
        }

        return size;
    }

    /// <summary>Every combination of the parameters' grid values (first parameter varies slowest).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The grid would hold more than <see cref="MaxGridSize"/> configurations (a few parameters at a fine resolution multiply fast).</exception>
    public IReadOnlyList<JsonObject> Grid(int resolution)
    {
        // Checked first: a space of a few parameters at resolution 50 is billions of configurations, which would
        // only burn CPU and memory (and no cancellation reaches a LINQ product).
        var size = GridSize(resolution);
        if (size > MaxGridSize)
        {
            throw new ArgumentOutOfRangeException(
                nameof(resolution), resolution,
                $"The grid of {_parameters.Count} parameters at resolution {resolution} holds {(size == long.MaxValue ? "too many" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))} configurations; the most is {MaxGridSize}. Use fewer parameters, a coarser resolution or random search.");
        }

        IEnumerable<JsonObject> combos = [new JsonObject()];
        foreach (var parameter in _parameters)
        {
            var values = parameter.GridValues(resolution);
            combos = combos.SelectMany(c => values.Select(v =>
            {
                var next = (JsonObject)c.DeepClone();
                next[parameter.Name] = v?.DeepClone();
                return next;
            })).ToArray();
        }

        return combos.ToArray();
    }

    /// <summary>
    /// The current values of this space's parameters in <paramref name="module"/> (config values, or
    /// <see cref="Demos.DemoManager.MaxDemos"/> for <see cref="ParameterSpec.DemoCountKey"/>; null when unset).
    /// </summary>
    public JsonObject Read(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var config = new JsonObject();
        foreach (var parameter in _parameters)
        {
            config[parameter.Name] = parameter.Name == ParameterSpec.DemoCountKey
                ? JsonValue.Create(module.DemoManager.MaxDemos)
                : module.Config.TryGetValue(parameter.Name, out var value) ? value?.DeepClone() : null;
        }

        return config;
    }

    /// <summary>
    /// Writes <paramref name="config"/> onto <paramref name="module"/>: <see cref="ParameterSpec.DemoCountKey"/> sets
    /// <see cref="Demos.DemoManager.MaxDemos"/>, a null removes the config key, anything else sets it.
    /// </summary>
    public static void Apply(Module module, JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(config);
        foreach (var (key, value) in config)
        {
            if (key == ParameterSpec.DemoCountKey)
            {
                if (value is not null)
                {
                    module.DemoManager.MaxDemos = int.Parse(value.ToJsonString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            else if (value is null)
            {
                module.Config.Remove(key);
            }
            else
            {
                module.Config[key] = value.DeepClone();
            }
        }
    }

    /// <summary>The space as JSON: name -> {type, min, max | choices}.</summary>
    public JsonObject ToJson() => new(_parameters.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)p.ToJson())));

    /// <inheritdoc />
    public IEnumerator<ParameterSpec> GetEnumerator() => _parameters.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public override string ToString() => "{" + string.Join(", ", _parameters) + "}";
}
