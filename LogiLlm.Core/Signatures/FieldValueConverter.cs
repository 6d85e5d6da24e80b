using System.Collections;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Signatures;

/// <summary>
/// Converts values (JSON nodes, CLR objects, or the text a model wrote) to the CLR shape of a declared
/// <see cref="FieldType"/>, and back to JSON.
/// </summary>
/// <remarks>
/// CLR shapes: <c>str</c> -> <see cref="string"/>, <c>int</c> -> <see cref="long"/>, <c>float</c> -> <see cref="double"/>,
/// <c>bool</c> -> <see cref="bool"/>, <c>list</c>/<c>set</c>/<c>tuple</c> -> <see cref="IReadOnlyList{T}"/> of object?,
/// <c>dict</c> -> <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to object? (key order kept),
/// <c>Optional[T]</c> -> T or null (null also for the text <c>None</c>/<c>null</c>), <c>Literal[...]</c> -> the matching label (validated; case-insensitive match
/// allowed, the declared spelling is returned), <c>Any</c> and custom types -> the value normalised to these shapes.
/// Text written by a model is accepted leniently: code fences, JSON or Python-style lists, bullet or comma lists,
/// <c>yes</c>/<c>no</c> for booleans. Anything that does not fit throws <see cref="FieldConversionException"/>;
/// nothing is silently turned into a wrong type.
/// </remarks>
public static class FieldValueConverter
{
    private static readonly JsonDocumentOptions LenientJson = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>JSON writer options used for prompt text and <see cref="ToJsonText"/>: compact, Unicode kept readable.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    /// <summary>Converts <paramref name="value"/> to the CLR shape of <paramref name="type"/>.</summary>
    /// <param name="value">A JSON node/element, a CLR value, a collection, a POCO, or model-written text.</param>
    /// <param name="type">The declared type.</param>
    /// <param name="fieldName">Field name used in error messages.</param>
    /// <exception cref="FieldConversionException">The value does not fit the type; the message names the field and the expected type.</exception>
    public static object? Convert(object? value, FieldType type, string fieldName = "value")
    {
        ArgumentNullException.ThrowIfNull(type);
        return ConvertNormalized(Normalize(value), type, fieldName);
    }

    /// <summary>Like <see cref="Convert"/> but reports failure through <paramref name="error"/>.</summary>
    public static bool TryConvert(object? value, FieldType type, string fieldName, out object? result, out FieldConversionException? error)
    {
        try
        {
            result = Convert(value, type, fieldName);
            error = null;
            return true;
        }
        catch (FieldConversionException e)
        {
            result = null;
            error = e;
            return false;
        }
    }

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

    /// <summary>Removes a surrounding Markdown code fence (<c>```json ... ```</c>) if the text is one.</summary>
    public static string StripCodeFence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (!trimmed.StartsWith("```", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var firstNewline = trimmed.IndexOf('\n', StringComparison.Ordinal);
        if (firstNewline < 0)
        {
            return trimmed.Trim('`').Trim();
        }

        var body = trimmed[(firstNewline + 1)..];
        var close = body.LastIndexOf("```", StringComparison.Ordinal);
        return (close >= 0 ? body[..close] : body).Trim();
    }

    /// <summary>Parses JSON leniently (trailing commas, comments, then Python-style literals with single quotes, True/False/None).</summary>
    /// <returns>The node, or null when the text is not JSON in either style.</returns>
    public static JsonNode? TryParseJsonLenient(string text, out bool success)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var candidate in new[] { text, PythonLiteralToJson(text) })
        {
            try
            {
                var node = JsonNode.Parse(candidate, documentOptions: LenientJson);
                success = true;
                return node;
            }
            catch (JsonException)
            {
                // Try the next spelling.
            }
        }

        success = false;
        return null;
    }

    private static object? ConvertNormalized(object? value, FieldType type, string path)
    {
        switch (type.Name)
        {
            case "Optional":
            {
                var inner = type.Arguments.Count == 1 ? type.Arguments[0] : FieldType.Any;
                return IsAbsent(value, inner) ? null : ConvertNormalized(value, inner, path);
            }

            case "str" or "bytes":
                return value switch
                {
                    null => throw Fail(path, type, value, "a value is required (the type is not Optional)"),
                    string s => s,
                    long or double or bool => ToPromptText(value),
                    _ => ToJsonText(value),
                };
            case "int":
                return ToLong(value, type, path);
            case "float":
                return ToDouble(value, type, path);
            case "bool":
                return ToBool(value, type, path);
            case "list" or "set" or "tuple":
                return ToList(value, type, path);
            case "dict":
                return ToDictionary(value, type, path);
            case "Literal":
                return ToLiteral(value, type, path);
            case "Union":
            {
                foreach (var member in type.Arguments)
                {
                    try
                    {
                        return ConvertNormalized(value, member, path);
                    }
                    catch (FieldConversionException)
                    {
                        // Try the next member.
                    }
                }

                throw Fail(path, type, value, "it matches none of the member types");
            }

            default:
                return value;
        }
    }

    private static bool IsAbsent(object? value, FieldType inner)
    {
        if (value is null)
        {
            return true;
        }

        if (value is string s)
        {
            // A model writes "None"/"null" for an absent optional value; empty text is absent unless the type is text.
            var t = s.Trim();
            return t.Equals("None", StringComparison.OrdinalIgnoreCase)
                || t.Equals("null", StringComparison.OrdinalIgnoreCase)
                || (t.Length == 0 && inner.Name is not ("str" or "Any"));
        }

        return false;
    }

    private static long ToLong(object? value, FieldType type, string path)
    {
        switch (value)
        {
            case long l:
                return l;
            case double d when double.IsFinite(d) && Math.Floor(d) == d && d >= long.MinValue && d <= long.MaxValue:
                return (long)d;
            case double:
                throw Fail(path, type, value, "it is not a whole number");
            case string s:
            {
                var t = CleanScalarText(s);
                if (long.TryParse(t, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var l))
                {
                    return l;
                }

                if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9.2e18)
                {
                    return (long)d;
                }

                throw Fail(path, type, value, "it is not an integer");
            }

            case null:
                throw Fail(path, type, value, "a value is required (the type is not Optional)");
            default:
                throw Fail(path, type, value, "it is not an integer");
        }
    }

    private static double ToDouble(object? value, FieldType type, string path)
    {
        switch (value)
        {
            case long l:
                return l;
            case double d:
                return d;
            case string s:
            {
                var t = CleanScalarText(s);
                if (double.TryParse(t, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var d))
                {
                    return d;
                }

                throw Fail(path, type, value, "it is not a number");
            }

            case null:
                throw Fail(path, type, value, "a value is required (the type is not Optional)");
            default:
                throw Fail(path, type, value, "it is not a number");
        }
    }

    private static bool ToBool(object? value, FieldType type, string path)
    {
        switch (value)
        {
            case bool b:
                return b;
            case long l when l is 0 or 1:
                return l == 1;
            case string s:
                switch (CleanScalarText(s).ToLowerInvariant())
                {
                    case "true" or "yes" or "y" or "1":
                        return true;
                    case "false" or "no" or "n" or "0":
                        return false;
                }

                throw Fail(path, type, value, "it is not a boolean (true/false, yes/no)");
            case null:
                throw Fail(path, type, value, "a value is required (the type is not Optional)");
            default:
                throw Fail(path, type, value, "it is not a boolean");
        }
    }

    private static IReadOnlyList<object?> ToList(object? value, FieldType type, string path)
    {
        IReadOnlyList<object?> items = value switch
        {
            IReadOnlyList<object?> list => list,
            string s => ParseListText(s, type, path),
            null => throw Fail(path, type, value, "a value is required (the type is not Optional)"),
            _ => throw Fail(path, type, value, "it is not a list"),
        };

        var result = new object?[items.Count];
        if (type.Name == "tuple" && type.Arguments.Count > 1)
        {
            if (items.Count != type.Arguments.Count)
            {
                throw Fail(path, type, value, $"a tuple of {type.Arguments.Count} items was expected, got {items.Count}");
            }

            for (var i = 0; i < items.Count; i++)
            {
                result[i] = ConvertNormalized(items[i], type.Arguments[i], $"{path}[{i}]");
            }
        }
        else
        {
            var element = type.Arguments.Count == 1 ? type.Arguments[0] : FieldType.Any;
            for (var i = 0; i < items.Count; i++)
            {
                result[i] = ConvertNormalized(items[i], element, $"{path}[{i}]");
            }
        }

        return Array.AsReadOnly(result);
    }

    private static IReadOnlyList<object?> ParseListText(string text, FieldType type, string path)
    {
        var t = StripCodeFence(text);
        if (t.Length == 0)
        {
            return [];
        }

        if (t.StartsWith('['))
        {
            var node = TryParseJsonLenient(t, out var ok);
            if (ok && node is JsonArray array)
            {
                return (IReadOnlyList<object?>)FromJsonNode(array)!;
            }

            throw Fail(path, type, text, "it starts with '[' but is not a valid JSON list");
        }

        var element = type.Arguments.Count == 1 ? type.Arguments[0].Unwrapped : FieldType.Any;
        if (!(element.IsScalar || element.Name is "Literal" or "Any"))
        {
            throw Fail(path, type, text, "a JSON list was expected");
        }

        var lines = t.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        var pieces = lines.Count > 1 || IsBullet(lines[0]) ? lines.Select(StripBullet) : t.Split(',').Select(p => p.Trim());
        return pieces.Where(p => p.Length > 0).Select(p => (object?)StripQuotes(p)).ToList().AsReadOnly();
    }

    private static IReadOnlyDictionary<string, object?> ToDictionary(object? value, FieldType type, string path)
    {
        var source = value switch
        {
            IReadOnlyDictionary<string, object?> d => d,
            string s => ParseDictionaryText(s, type, path),
            null => throw Fail(path, type, value, "a value is required (the type is not Optional)"),
            _ => throw Fail(path, type, value, "it is not a dictionary (JSON object)"),
        };

        var keyType = type.Arguments.Count == 2 ? type.Arguments[0] : FieldType.Str;
        var valueType = type.Arguments.Count == 2 ? type.Arguments[1] : FieldType.Any;
        var result = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, item) in source)
        {
            if (keyType.Name != "str")
            {
                ConvertNormalized(key, keyType, $"{path}[key '{key}']");
            }

            result[key] = ConvertNormalized(item, valueType, $"{path}['{key}']");
        }

        return new ReadOnlyDictionary<string, object?>(result);
    }

    private static IReadOnlyDictionary<string, object?> ParseDictionaryText(string text, FieldType type, string path)
    {
        var t = StripCodeFence(text);
        var node = t.StartsWith('{') ? TryParseJsonLenient(t, out _) : null;
        if (node is JsonObject obj)
        {
            return (IReadOnlyDictionary<string, object?>)FromJsonNode(obj)!;
        }

        throw Fail(path, type, text, "it is not a JSON object");
    }

    private static object? ToLiteral(object? value, FieldType type, string path)
    {
        if (type.LiteralValues.Count == 0)
        {
            return value;
        }

        var text = value switch
        {
            null => "None",
            string s => s,
            bool b => b ? "True" : "False",
            long or double => ToPromptText(value),
            _ => null,
        };
        if (text is not null)
        {
            var candidates = new[] { text, text.Trim(), StripQuotes(CleanScalarText(text)) };
            foreach (var comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
            {
                foreach (var candidate in candidates)
                {
                    for (var i = 0; i < type.LiteralValues.Count; i++)
                    {
                        if (string.Equals(candidate, type.LiteralValues[i], comparison))
                        {
                            return LiteralValue(type.LiteralValues[i], type.LiteralKinds[i]);
                        }
                    }
                }
            }
        }

        var allowed = string.Join(", ", type.LiteralValues.Select((v, i) => type.LiteralKinds[i] == LiteralKind.String ? $"'{v}'" : v));
        throw Fail(path, type, value, $"it is not one of {allowed}");
    }

    private static object? LiteralValue(string text, LiteralKind kind) => kind switch
    {
        LiteralKind.Integer => long.Parse(text, CultureInfo.InvariantCulture),
        LiteralKind.Float => double.Parse(text, CultureInfo.InvariantCulture),
        LiteralKind.Boolean => text == "True",
        LiteralKind.None => null,
        _ => text,
    };

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

    private static string CleanScalarText(string s)
    {
        var t = StripCodeFence(s).Trim().Trim('*', '`').Trim();
        if (t.EndsWith('.') && t.Length > 1 && !char.IsDigit(t[^2]))
        {
            t = t[..^1];
        }

        return StripQuotes(t);
    }

    private static string StripQuotes(string s)
    {
        var t = s.Trim();
        if (t.Length >= 2 && ((t[0] == '"' && t[^1] == '"') || (t[0] == '\'' && t[^1] == '\'')))
        {
            return t[1..^1];
        }

        return t;
    }

    private static bool IsBullet(string line) => line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal) || line.StartsWith("• ", StringComparison.Ordinal) || NumberedPrefixLength(line) > 0;

    private static string StripBullet(string line)
    {
        if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal) || line.StartsWith("• ", StringComparison.Ordinal))
        {
            return line[2..].Trim();
        }

        var n = NumberedPrefixLength(line);
        return n > 0 ? line[n..].Trim() : line;
    }

    private static int NumberedPrefixLength(string line)
    {
        var i = 0;
        while (i < line.Length && char.IsAsciiDigit(line[i]))
        {
            i++;
        }

        return i > 0 && i + 1 < line.Length && line[i] is '.' or ')' && line[i + 1] == ' ' ? i + 2 : 0;
    }

    /// <summary>Turns Python literal syntax (single-quoted strings, True/False/None) into JSON.</summary>
    private static string PythonLiteralToJson(string text)
    {
        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var quote = c;
                sb.Append('"');
                i++;
                while (i < text.Length && text[i] != quote)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        if (text[i + 1] == '\'')
                        {
                            sb.Append('\'');
                        }
                        else
                        {
                            sb.Append('\\').Append(text[i + 1]);
                        }

                        i += 2;
                        continue;
                    }

                    sb.Append(text[i] == '"' ? "\\\"" : text[i].ToString());
                    i++;
                }

                sb.Append('"');
                i++;
                continue;
            }

            if (char.IsLetter(c))
            {
                var start = i;
                while (i < text.Length && char.IsLetterOrDigit(text[i]))
                {
                    i++;
                }

                var word = text[start..i];
                sb.Append(word switch { "True" => "true", "False" => "false", "None" => "null", _ => word });
                continue;
            }

            sb.Append(c);
            i++;
        }

        return sb.ToString();
    }

    private static FieldConversionException Fail(string path, FieldType type, object? value, string reason) =>
        new(path, type, Preview(value), reason);

    private static string Preview(object? value)
    {
        var text = value switch
        {
            null => "null",
            string s => "\"" + s + "\"",
            _ => ToJsonText(value),
        };
        return text.Length > 80 ? text[..77] + "..." : text;
    }
}
