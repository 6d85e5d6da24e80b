using System.Globalization;
using System.Text.Json.Nodes;
using LogiLlm.Signatures;

namespace LogiLlm.Adapters;

/// <summary>JSON Schema of a signature's outputs (an object with one property per output field).</summary>
public static class SignatureJsonSchema
{
    /// <summary>
    /// <c>{"type":"object","properties":{...},"required":[...],"additionalProperties":false}</c>; Literal fields
    /// become <c>enum</c>, Optional fields accept null, field descriptions become <c>description</c>.
    /// </summary>
    public static JsonObject ForOutputs(Signature signature)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var field in signature.OutputFields)
        {
            var schema = ForType(field.Type);
            if (!string.IsNullOrWhiteSpace(field.Description))
            {
                schema["description"] = field.Description;
            }

            properties[field.Name] = schema;
            required.Add(field.Name);
        }

        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = required,
            ["additionalProperties"] = false,
        };
    }

    /// <summary>JSON Schema of one type expression.</summary>
    public static JsonObject ForType(FieldType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        switch (type.Name)
        {
            case "str" or "bytes":
                return new JsonObject { ["type"] = "string" };
            case "int":
                return new JsonObject { ["type"] = "integer" };
            case "float":
                return new JsonObject { ["type"] = "number" };
            case "bool":
                return new JsonObject { ["type"] = "boolean" };
            case "list" or "set" or "tuple":
            {
                var schema = new JsonObject { ["type"] = "array" };
                if (type.Name == "tuple" && type.Arguments.Count > 1)
                {
                    schema["prefixItems"] = new JsonArray(type.Arguments.Select(a => (JsonNode)ForType(a)).ToArray());
                    schema["minItems"] = type.Arguments.Count;
                    schema["maxItems"] = type.Arguments.Count;
                }
                else if (type.Arguments.Count == 1)
                {
                    schema["items"] = ForType(type.Arguments[0]);
                }

                return schema;
            }

            case "dict":
            {
                var schema = new JsonObject { ["type"] = "object" };
                if (type.Arguments.Count == 2)
                {
                    schema["additionalProperties"] = ForType(type.Arguments[1]);
                }

                return schema;
            }

            case "Optional":
            {
                var inner = type.Arguments.Count == 1 ? ForType(type.Arguments[0]) : new JsonObject();
                if (inner["enum"] is JsonArray values)
                {
                    values.Add(null);
                    if (inner["type"] is JsonValue t)
                    {
                        inner["type"] = new JsonArray(t.GetValue<string>(), "null");
                    }

                    return inner;
                }

                if (inner["type"] is JsonValue single && inner.Count == 1)
                {
                    inner["type"] = new JsonArray(single.GetValue<string>(), "null");
                    return inner;
                }

                return new JsonObject { ["anyOf"] = new JsonArray(inner, new JsonObject { ["type"] = "null" }) };
            }

            case "Literal" when type.LiteralValues.Count > 0:
            {
                var values = new JsonArray();
                for (var i = 0; i < type.LiteralValues.Count; i++)
                {
                    var text = type.LiteralValues[i];
                    values.Add(type.LiteralKinds[i] switch
                    {
                        LiteralKind.Integer => JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)),
                        LiteralKind.Float => JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)),
                        LiteralKind.Boolean => JsonValue.Create(text == "True"),
                        LiteralKind.None => null,
                        _ => JsonValue.Create(text),
                    });
                }

                var schema = new JsonObject();
                if (type.LiteralKinds.All(k => k == LiteralKind.String))
                {
                    schema["type"] = "string";
                }

                schema["enum"] = values;
                return schema;
            }

            case "Union":
                return new JsonObject { ["anyOf"] = new JsonArray(type.Arguments.Select(a => (JsonNode)ForType(a)).ToArray()) };
            default:
                return new JsonObject();
        }
    }
}
