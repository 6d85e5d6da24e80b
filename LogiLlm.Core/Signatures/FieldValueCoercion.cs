using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json.Nodes;

namespace LogiLlm.Signatures;

/// <summary>
/// Coerces a value (a JSON node or element, a CLR value, or the text a model wrote) to the CLR shape of a declared
/// <see cref="FieldType"/>.
/// </summary>
/// <remarks>
/// CLR shapes: <c>str</c> -> <see cref="string"/>, <c>int</c> -> <see cref="long"/>, <c>float</c> -> <see cref="double"/>,
/// <c>bool</c> -> <see cref="bool"/>, <c>list</c>/<c>set</c>/<c>tuple</c> -> <see cref="IReadOnlyList{T}"/> of object?,
/// <c>dict</c> -> <see cref="IReadOnlyDictionary{TKey,TValue}"/> of string to object? (key order kept),
/// <c>Optional[T]</c> -> T or null (null also for the text <c>None</c>/<c>null</c>), <c>Literal[...]</c> -> the matching label (validated; case-insensitive match
/// allowed, the declared spelling is returned), <c>Any</c> and custom types -> the value normalised by <see cref="FieldValueJson.Normalize"/>.
/// Model text is read through <see cref="ModelTextParser"/> (code fences, JSON or Python-style lists, bullet or comma lists,
/// <c>yes</c>/<c>no</c> for booleans). Anything that does not fit throws <see cref="FieldConversionException"/>;
/// nothing is silently turned into a wrong type.
/// <para>
/// Longer than most files on purpose: it carries one job, the coercion rule of every type of the signature grammar,
/// and keeps those rules side by side (each with its null, number and text cases) so that a reader checking how
/// one type is read sees all of its cases in one place; text reading is in <see cref="ModelTextParser"/> and
/// JSON shapes in <see cref="FieldValueJson"/>.
/// </para>
/// </remarks>
public static class FieldValueCoercion
{
    /// <summary>Converts <paramref name="value"/> to the CLR shape of <paramref name="type"/>.</summary>
    /// <param name="value">A JSON node/element, a CLR value, a collection, a POCO, or model-written text.</param>
    /// <param name="type">The declared type.</param>
    /// <param name="fieldName">Field name used in error messages.</param>
    /// <exception cref="FieldConversionException">The value does not fit the type; the message names the field and the expected type.</exception>
    public static object? Convert(object? value, FieldType type, string fieldName = "value")
    {
        ArgumentNullException.ThrowIfNull(type);
        return ConvertNormalized(FieldValueJson.Normalize(value), type, fieldName);
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
                    long or double or bool => FieldValueJson.ToPromptText(value),
                    _ => FieldValueJson.ToJsonText(value),
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
                var t = ModelTextParser.CleanScalar(s);
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
                var t = ModelTextParser.CleanScalar(s);
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
                switch (ModelTextParser.CleanScalar(s).ToLowerInvariant())
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
        var t = ModelTextParser.StripCodeFence(text);
        if (t.Length == 0)
        {
            return [];
        }

        if (t.StartsWith('['))
        {
            var node = ModelTextParser.TryParseJsonLenient(t, out var ok);
            if (ok && node is JsonArray array)
            {
                return (IReadOnlyList<object?>)FieldValueJson.FromJsonNode(array)!;
            }

            throw Fail(path, type, text, "it starts with '[' but is not a valid JSON list");
        }

        var element = type.Arguments.Count == 1 ? type.Arguments[0].Unwrapped : FieldType.Any;
        if (!(element.IsScalar || element.Name is "Literal" or "Any"))
        {
            throw Fail(path, type, text, "a JSON list was expected");
        }

        return ModelTextParser.SplitPlainList(t);
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
        var t = ModelTextParser.StripCodeFence(text);
        var node = t.StartsWith('{') ? ModelTextParser.TryParseJsonLenient(t, out _) : null;
        if (node is JsonObject obj)
        {
            return (IReadOnlyDictionary<string, object?>)FieldValueJson.FromJsonNode(obj)!;
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
            long or double => FieldValueJson.ToPromptText(value),
            _ => null,
        };
        if (text is not null)
        {
            var candidates = new[] { text, text.Trim(), ModelTextParser.StripQuotes(ModelTextParser.CleanScalar(text)) };
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

    private static FieldConversionException Fail(string path, FieldType type, object? value, string reason) =>
        new(path, type, Preview(value), reason);

    private static string Preview(object? value)
    {
        var text = value switch
        {
            null => "null",
            string s => "\"" + s + "\"",
            _ => FieldValueJson.ToJsonText(value),
        };
        return text.Length > 80 ? text[..77] + "..." : text;
    }
}
