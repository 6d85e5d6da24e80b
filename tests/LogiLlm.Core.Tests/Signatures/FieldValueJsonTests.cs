using System.Text.Json.Nodes;
using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Signatures;

public class FieldValueJsonTests
{
    private static object? Convert(object? value, string type) => FieldValueCoercion.Convert(value, FieldType.Parse(type), "f");

    [Fact]
    public void ToJsonNode_round_trips_converted_values()
    {
        var value = Convert("{\"tags\": [\"a\", 1, true, null], \"n\": 2.5}", "dict[str, Any]");

        var node = FieldValueJson.ToJsonNode(value);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"tags\": [\"a\", 1, true, null], \"n\": 2.5}"), node));
        Assert.Equal("{\"x\":\"日本\"}", FieldValueJson.ToJsonText(new { x = "日本" }));
    }

    [Fact]
    public void Normalize_turns_anonymous_objects_into_dictionaries()
    {
        var normalized = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(FieldValueJson.Normalize(new { email = "x", n = 3, tags = new[] { "a" } }));
        Assert.Equal("x", normalized["email"]);
        Assert.Equal(3L, normalized["n"]);
        Assert.Equal(["a"], (IReadOnlyList<object?>)normalized["tags"]!);
    }
}
