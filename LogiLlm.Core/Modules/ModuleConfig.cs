using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LogiLlm;

/// <summary>
/// A module's model settings as a JSON dictionary with LogiLLM's key names (<c>temperature</c>,
/// <c>max_tokens</c>, <c>top_p</c>, <c>stop</c>, <c>seed</c>, ...), so <c>config["temperature"] = 0.3</c> works.
/// Typed helpers read and write the well-known keys; <see cref="ToChatOptions"/> maps them to
/// <see cref="ChatOptions"/>. Key order is kept. Not thread-safe for writes: configure before invoking.
/// </summary>
public sealed class ModuleConfig : IDictionary<string, JsonNode?>
{
    /// <summary><c>temperature</c>.</summary>
    public const string TemperatureKey = "temperature";

    /// <summary><c>max_tokens</c>.</summary>
    public const string MaxTokensKey = "max_tokens";

    /// <summary><c>top_p</c>.</summary>
    public const string TopPKey = "top_p";

    /// <summary><c>top_k</c>.</summary>
    public const string TopKKey = "top_k";

    /// <summary><c>stop</c>.</summary>
    public const string StopKey = "stop";

    /// <summary><c>seed</c>.</summary>
    public const string SeedKey = "seed";

    /// <summary><c>frequency_penalty</c>.</summary>
    public const string FrequencyPenaltyKey = "frequency_penalty";

    /// <summary><c>presence_penalty</c>.</summary>
    public const string PresencePenaltyKey = "presence_penalty";

    private readonly OrderedDictionary<string, JsonNode?> _values = new(StringComparer.Ordinal);

    /// <summary>An empty configuration.</summary>
    public ModuleConfig()
    {
    }

    /// <summary>A configuration holding deep copies of <paramref name="values"/>.</summary>
    public ModuleConfig(IEnumerable<KeyValuePair<string, JsonNode?>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var (key, value) in values)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key, nameof(values));
            _values[key] = value?.DeepClone();
        }
    }

    /// <summary><c>temperature</c> (null = unset; setting null removes the key).</summary>
    public double? Temperature
    {
        get => GetDouble(TemperatureKey);
        set => SetOrRemove(TemperatureKey, value is null ? null : JsonValue.Create(value.Value));
    }

    /// <summary><c>max_tokens</c> (null = unset).</summary>
    public int? MaxTokens
    {
        get => GetLong(MaxTokensKey) is { } l ? checked((int)l) : null;
        set => SetOrRemove(MaxTokensKey, value is null ? null : JsonValue.Create(value.Value));
    }

    /// <summary><c>top_p</c> (null = unset).</summary>
    public double? TopP
    {
        get => GetDouble(TopPKey);
        set => SetOrRemove(TopPKey, value is null ? null : JsonValue.Create(value.Value));
    }

    /// <summary><c>seed</c> (null = unset).</summary>
    public long? Seed
    {
        get => GetLong(SeedKey);
        set => SetOrRemove(SeedKey, value is null ? null : JsonValue.Create(value.Value));
    }

    /// <summary><c>stop</c>: a string or a list of strings (null = unset).</summary>
    public IReadOnlyList<string>? Stop
    {
        get
        {
            if (!_values.TryGetValue(StopKey, out var node) || node is null)
            {
                return null;
            }

            return node switch
            {
                JsonArray array => array.Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String
                    ? v.GetValue<string>()
                    : throw Invalid(StopKey, node, "a string or a list of strings")).ToArray(),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
                _ => throw Invalid(StopKey, node, "a string or a list of strings"),
            };
        }

        set => SetOrRemove(StopKey, value is null ? null : new JsonArray(value.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()));
    }

    /// <inheritdoc />
    public int Count => _values.Count;

    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public ICollection<string> Keys => _values.Keys;

    /// <inheritdoc />
    public ICollection<JsonNode?> Values => _values.Values;

    /// <summary>The value of <paramref name="key"/>; a node that already belongs to another tree is copied on set.</summary>
    public JsonNode? this[string key]
    {
        get => _values[key];
        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key);
            _values[key] = value?.Parent is null ? value : value.DeepClone();
        }
    }

    /// <summary>The keys <see cref="ToChatOptions"/> maps to chat option properties; the others go to its additional properties.</summary>
    private static readonly string[] ChatOptionKeys = [TemperatureKey, TopPKey, MaxTokensKey, SeedKey, StopKey, TopKKey, FrequencyPenaltyKey, PresencePenaltyKey];

    /// <summary>
    /// Chat options for a call: temperature, top_p, top_k, max_tokens, stop, seed, frequency_penalty and
    /// presence_penalty; other keys go to <see cref="ChatOptions.AdditionalProperties"/>.
    /// </summary>
    /// <exception cref="FormatException">A well-known key holds a value of the wrong type.</exception>
    public ChatOptions ToChatOptions()
    {
        var options = new ChatOptions
        {
            Temperature = (float?)Temperature,
            TopP = (float?)TopP,
            MaxOutputTokens = MaxTokens,
            Seed = Seed,
            StopSequences = Stop?.ToList(),
            TopK = GetLong(TopKKey) is { } k ? checked((int)k) : null,
            FrequencyPenalty = (float?)GetDouble(FrequencyPenaltyKey),
            PresencePenalty = (float?)GetDouble(PresencePenaltyKey),
        };
        foreach (var (key, value) in _values)
        {
            if (!ChatOptionKeys.Contains(key))
            {
                options.AdditionalProperties ??= [];
                options.AdditionalProperties[key] = value?.DeepClone();
            }
        }

        return options;
    }

    /// <summary>A deep copy.</summary>
    public ModuleConfig Clone() => new(_values);

    /// <summary>The configuration as a JSON object (a copy).</summary>
    public JsonObject ToJsonObject() => new(_values.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone())));

    /// <inheritdoc />
    public void Add(string key, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        _values.Add(key, value?.Parent is null ? value : value.DeepClone());
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc />
    public bool Remove(string key) => _values.Remove(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out JsonNode? value) => _values.TryGetValue(key, out value);

    /// <inheritdoc />
    public void Add(KeyValuePair<string, JsonNode?> item) => Add(item.Key, item.Value);

    /// <inheritdoc />
    public void Clear() => _values.Clear();

    /// <inheritdoc />
    public bool Contains(KeyValuePair<string, JsonNode?> item) =>
        _values.TryGetValue(item.Key, out var value) && JsonNode.DeepEquals(value, item.Value);

    /// <inheritdoc />
    public void CopyTo(KeyValuePair<string, JsonNode?>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, JsonNode?>>)_values).CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public bool Remove(KeyValuePair<string, JsonNode?> item) => Contains(item) && _values.Remove(item.Key);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, JsonNode?>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private void SetOrRemove(string key, JsonNode? value)
    {
        if (value is null)
        {
            _values.Remove(key);
        }
        else
        {
            _values[key] = value;
        }
    }

    private double? GetDouble(string key)
    {
        if (!_values.TryGetValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue value)
        {
            switch (value.GetValueKind())
            {
                case JsonValueKind.Number:
                    return double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
                case JsonValueKind.String when double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d):
                    return d;
            }
        }

        throw Invalid(key, node, "a number");
    }

    private long? GetLong(string key)
    {
        if (!_values.TryGetValue(key, out var node) || node is null)
        {
            return null;
        }

        if (node is JsonValue value)
        {
            var text = value.GetValueKind() switch
            {
                JsonValueKind.Number => value.ToJsonString(),
                JsonValueKind.String => value.GetValue<string>(),
                _ => null,
            };
            if (text is not null)
            {
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    return l;
                }

                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18)
                {
                    return (long)d;
                }
            }
        }

        throw Invalid(key, node, "an integer");
    }

    private static FormatException Invalid(string key, JsonNode node, string expected) =>
        new($"Module config '{key}' must be {expected}, but is {node.ToJsonString()}.");
}
