using System.Text.Json;
using LogiLlm.Signatures;

namespace LogiLlm;

/// <summary>
/// The result of invoking a module: typed output values, token usage, the raw reply.
/// A prediction whose reply could not be read into the declared output types has <see cref="Success"/>
/// false and an <see cref="Error"/> naming the field and the expected type (no output is guessed).
/// </summary>
/// <remarks>
/// Output values are <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="IReadOnlyList{T}"/> of object?, <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to object?, or null.
/// </remarks>
public sealed class Prediction
{
    /// <summary>A prediction with <paramref name="outputs"/>.</summary>
    public Prediction(IReadOnlyDictionary<string, object?> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        Outputs = outputs;
    }

    /// <summary>Output values by field name (empty for a failed prediction).</summary>
    public IReadOnlyDictionary<string, object?> Outputs { get; }

    /// <summary>Token usage of the call(s) that produced this prediction.</summary>
    public TokenUsage Usage { get; init; }

    /// <summary>True when every output was read and converted.</summary>
    public bool Success { get; init; } = true;

    /// <summary>Why the prediction failed (null on success).</summary>
    public string? Error { get; init; }

    /// <summary>The output field at fault for a failure, when a single one is.</summary>
    public string? ErrorField { get; init; }

    /// <summary>The model's reply text.</summary>
    public string? RawCompletion { get; init; }

    /// <summary>The model that answered, as reported by the provider.</summary>
    public string? ModelId { get; init; }

    /// <summary>The value of output <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such output.</exception>
    public object? this[string name] => Get(name);

    /// <summary>A failed prediction.</summary>
    public static Prediction Failure(string error, string? rawCompletion = null, TokenUsage usage = default, string? modelId = null, string? errorField = null) =>
        new(new Dictionary<string, object?>())
        {
            Success = false,
            Error = error,
            ErrorField = errorField,
            RawCompletion = rawCompletion,
            Usage = usage,
            ModelId = modelId,
        };

    /// <summary>The value of output <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such output (the message lists the outputs there are).</exception>
    public object? Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Outputs.TryGetValue(name, out var value))
        {
            return value;
        }

        var detail = Success ? $"outputs are: {string.Join(", ", Outputs.Keys)}" : $"the prediction failed: {Error}";
        throw new KeyNotFoundException($"The prediction has no output '{name}' ({detail}).");
    }

    /// <summary>The value of output <paramref name="name"/> as <typeparamref name="T"/> (e.g. <c>int</c> from a long, <c>List&lt;string&gt;</c> from a list).</summary>
    /// <exception cref="KeyNotFoundException">No such output.</exception>
    /// <exception cref="InvalidCastException">The value cannot be represented as <typeparamref name="T"/>.</exception>
    public T Get<T>(string name)
    {
        var value = Get(name);
        if (value is T typed)
        {
            return typed;
        }

        if (value is null)
        {
            if (default(T) is null)
            {
                return default!;
            }

            throw new InvalidCastException($"Output '{name}' is null and cannot be returned as {typeof(T).Name}.");
        }

        if (typeof(T) == typeof(string))
        {
            return (T)(object)FieldValueJson.ToPromptText(value);
        }

        try
        {
            var node = FieldValueJson.ToJsonNode(value);
            return node.Deserialize<T>(FieldValueJson.JsonOptions)!;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new InvalidCastException($"Output '{name}' ({value.GetType().Name}) cannot be returned as {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>Like <see cref="Get{T}(string)"/> but returns false when the output is missing or does not convert.</summary>
    public bool TryGet<T>(string name, out T? value)
    {
        try
        {
            value = Get<T>(name);
            return true;
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidCastException)
        {
            value = default;
            return false;
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        Success
            ? $"Prediction({string.Join(", ", Outputs.Select(kv => $"{kv.Key}={FieldValueJson.ToJsonText(kv.Value)}"))})"
            : $"Prediction(failed: {Error})";
}
