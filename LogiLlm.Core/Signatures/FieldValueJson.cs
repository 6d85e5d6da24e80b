using System.Collections;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Signatures;

/// <summary>
/// The bridge between field values and JSON: normalises any CLR value, JSON node or element to the untyped value
/// shapes, and writes those shapes back as JSON nodes, compact JSON text or prompt text.
/// </summary>
/// <remarks>
/// The untyped shapes are null, <see cref="string"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="IReadOnlyList{T}"/> of object? and <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to object?
/// (key order kept). <see cref="FieldValueCoercion"/> turns them into the shape of a declared <see cref="FieldType"/>.
/// </remarks>
public static class FieldValueJson
{
    /// <summary>JSON writer options used for prompt text and <see cref="ToJsonText"/>: compact, Unicode kept readable.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    /// <summary>
    /// Normalises any value to the untyped CLR shapes: null, string, long, double, bool,
    /// <see cref="IReadOnlyList{T}"/> of object?, <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to object?.
    /// POCOs and anonymous objects become dictionaries of their public properties.
    /// </summary>
    public static object? Normalize(object? value)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return s;
            case JsonNode node:
                return FromJsonNode(node);
            case JsonElement element:
                return FromJsonNode(JsonSerializer.SerializeToNode(element));
            case bool b:
                return b;
            case char c:
                return c.ToString();
            case sbyte or byte or short or ushort or int or uint or long:
                return System.Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case ulong ul:
                return ul <= long.MaxValue ? (object)(long)ul : (double)ul;
            case float or double or decimal:
                return System.Convert.ToDouble(value, CultureInfo.InvariantCulture);
            case Enum e:
                return e.ToString();
            case DateTime dt:
                return dt.ToString("O", CultureInfo.InvariantCulture);
            case DateTimeOffset dto:
                return dto.ToString("O", CultureInfo.InvariantCulture);
            case Guid g:
                return g.ToString();
            case Uri u:
                return u.ToString();
            case IDictionary dictionary:
            {
                var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in dictionary)
                {
                    result[System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = Normalize(entry.Value);
                }

                return new ReadOnlyDictionary<string, object?>(result);
            }

            case IEnumerable enumerable when IsKeyValueSequence(value.GetType()):
            {
                var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var item in enumerable)
                {
                    var itemType = item!.GetType();
                    var key = itemType.GetProperty("Key")!.GetValue(item);
                    result[System.Convert.ToString(key, CultureInfo.InvariantCulture) ?? string.Empty] = Normalize(itemType.GetProperty("Value")!.GetValue(item));
                }

                return new ReadOnlyDictionary<string, object?>(result);
            }

            case IEnumerable enumerable:
            {
                var list = new List<object?>();
                foreach (var item in enumerable)
                {
                    list.Add(Normalize(item));
                }

                return list.AsReadOnly();
            }

            default:
                return FromJsonNode(JsonSerializer.SerializeToNode(value, value.GetType(), JsonOptions));
        }
    }

    /// <summary>Converts a JSON node to the untyped CLR shapes of <see cref="Normalize"/>.</summary>
    public static object? FromJsonNode(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
            {
                var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, child) in obj)
                {
                    result[key] = FromJsonNode(child);
                }

                return new ReadOnlyDictionary<string, object?>(result);
            }

            case JsonArray array:
                return array.Select(FromJsonNode).ToList().AsReadOnly();
            default:
                return node.GetValueKind() switch
                {
                    JsonValueKind.String => node.GetValue<string>(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    JsonValueKind.Number => ParseJsonNumber(node.ToJsonString()),
                    _ => node.ToJsonString(),
                };
        }
    }

    /// <summary>Converts any value (see <see cref="Normalize"/>) to a JSON node; JSON nodes are deep-copied.</summary>
    public static JsonNode? ToJsonNode(object? value)
    {
        if (value is JsonNode node)
        {
            return node.DeepClone();
        }

        return NormalizedToJson(Normalize(value));
    }

    /// <summary>Compact JSON text of any value, with Unicode kept readable.</summary>
    public static string ToJsonText(object? value) => ToJsonNode(value)?.ToJsonString(JsonOptions) ?? "null";

    /// <summary>Text of a value for a prompt: strings as they are, everything else as compact JSON.</summary>
    public static string ToPromptText(object? value)
    {
        var normalized = value is string s ? s : Normalize(value);
        return normalized switch
        {
            string text => text,
            double d => FieldType.FormatNumber(d),
            long l => l.ToString(CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => ToJsonText(normalized),
        };
    }

    private static JsonNode? NormalizedToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        IReadOnlyDictionary<string, object?> dict => new JsonObject(dict.Select(kv => KeyValuePair.Create(kv.Key, NormalizedToJson(kv.Value)))),
        IReadOnlyList<object?> list => new JsonArray(list.Select(NormalizedToJson).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };

    private static object ParseJsonNumber(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? (object)l
            : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static bool IsKeyValueSequence(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType
            && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            && i.GetGenericArguments()[0] is { IsGenericType: true } kv
            && kv.GetGenericTypeDefinition() == typeof(KeyValuePair<,>));
}
