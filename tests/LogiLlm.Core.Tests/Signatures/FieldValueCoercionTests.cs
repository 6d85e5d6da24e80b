using System.Text.Json.Nodes;
using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Signatures;

public class FieldValueCoercionTests
{
    private static object? Convert(object? value, string type) => FieldValueCoercion.Convert(value, FieldType.Parse(type), "f");

    [Theory]
    [InlineData("42", 42L)]
    [InlineData(" 1,000 ", 1000L)]
    [InlineData("7.0", 7L)]
    [InlineData("-3", -3L)]
    public void Int_from_text_becomes_long(string text, long expected) => Assert.Equal(expected, Convert(text, "int"));

    [Fact]
    public void Int_accepts_integral_numbers_of_any_clr_or_json_shape()
    {
        Assert.Equal(5L, Convert(5, "int"));
        Assert.Equal(5L, Convert(5.0, "int"));
        Assert.Equal(5L, Convert(JsonValue.Create(5), "int"));
        Assert.Equal(5L, Convert(JsonNode.Parse("5"), "int"));
    }

    [Theory]
    [InlineData("3.5")]
    [InlineData("many")]
    [InlineData("")]
    public void Int_rejects_non_integers_with_field_and_type_in_the_message(string text)
    {
        var e = Assert.Throws<FieldConversionException>(() => Convert(text, "int"));
        Assert.Equal("f", e.FieldName);
        Assert.Contains("Field 'f' expects int", e.Message);
    }

    [Fact]
    public void Float_bool_and_str_convert_from_text()
    {
        Assert.Equal(0.85, Convert("0.85", "float"));
        Assert.Equal(3.0, Convert(3L, "float"));
        Assert.Equal(true, Convert("Yes", "bool"));
        Assert.Equal(false, Convert("false.", "bool"));
        Assert.Equal(true, Convert(JsonValue.Create(true), "bool"));
        Assert.Equal("42", Convert(42, "str"));
        Assert.Equal("héllo 世界", Convert(JsonValue.Create("héllo 世界"), "str"));
        Assert.Throws<FieldConversionException>(() => Convert("high", "float"));
        Assert.Throws<FieldConversionException>(() => Convert("maybe", "bool"));
        Assert.Throws<FieldConversionException>(() => Convert(true, "int"));
    }

    [Theory]
    [InlineData("[\"a\", \"b\"]")]
    [InlineData("['a', 'b']")]
    [InlineData("a, b")]
    [InlineData("- a\n- b")]
    [InlineData("1. a\n2. b")]
    [InlineData("```json\n[\"a\", \"b\"]\n```")]
    public void List_of_str_reads_json_python_bullet_and_comma_lists(string text)
    {
        var list = Assert.IsAssignableFrom<IReadOnlyList<object?>>(Convert(text, "list[str]"));
        Assert.Equal(["a", "b"], list);
    }

    [Fact]
    public void List_elements_are_converted_and_errors_name_the_element()
    {
        Assert.Equal([1L, 2L, 3L], (IReadOnlyList<object?>)Convert(new[] { 1, 2, 3 }, "list[int]")!);
        Assert.Equal([1L, 2L], (IReadOnlyList<object?>)Convert("[1, 2]", "list[int]")!);
        var e = Assert.Throws<FieldConversionException>(() => Convert("[1, \"x\"]", "list[int]"));
        Assert.Equal("f[1]", e.FieldPath);
        Assert.Equal("f", e.FieldName);
        Assert.Throws<FieldConversionException>(() => Convert(5, "list[int]"));
    }

    [Fact]
    public void Dict_converts_values_and_keeps_key_order()
    {
        var dict = Assert.IsAssignableFrom<IReadOnlyDictionary<string, object?>>(Convert("{\"z\": 1, \"a\": \"2\"}", "dict[str, int]"));
        Assert.Equal(["z", "a"], dict.Keys);
        Assert.Equal(2L, dict["a"]);
        var fromClr = (IReadOnlyDictionary<string, object?>)Convert(new Dictionary<string, double> { ["x"] = 1.5 }, "dict[str, float]")!;
        Assert.Equal(1.5, fromClr["x"]);
        var e = Assert.Throws<FieldConversionException>(() => Convert("{\"a\": \"x\"}", "dict[str, int]"));
        Assert.Equal("f['a']", e.FieldPath);
        Assert.Throws<FieldConversionException>(() => Convert("not a dict", "dict[str, int]"));
    }

    [Fact]
    public void Optional_treats_null_and_the_words_None_and_null_as_absent()
    {
        Assert.Null(Convert(null, "Optional[int]"));
        Assert.Null(Convert("None", "Optional[int]"));
        Assert.Null(Convert(JsonNode.Parse("null"), "Optional[str]"));
        Assert.Null(Convert("None", "Optional[str]"));
        Assert.Equal("", Convert("", "Optional[str]"));
        Assert.Equal("Nonesuch", Convert("Nonesuch", "Optional[str]"));
        Assert.Equal(3L, Convert("3", "int | None"));
        Assert.Throws<FieldConversionException>(() => Convert(null, "int"));
    }

    [Fact]
    public void Literal_is_validated_against_labels_and_returns_the_declared_spelling()
    {
        Assert.Equal("billing", Convert("billing", "Literal['billing', 'tech']"));
        Assert.Equal("billing", Convert(" \"Billing\" ", "Literal['billing', 'tech']"));
        Assert.Equal("Tech", Convert("**tech**", "Literal['billing', 'Tech']"));
        Assert.Equal(2L, Convert("2", "Literal[1, 2]"));
        Assert.Equal("café", Convert("CAFÉ", "Literal['café', 'thé']"));
        var e = Assert.Throws<FieldConversionException>(() => Convert("sales", "Literal['billing', 'tech']"));
        Assert.Contains("'billing', 'tech'", e.Message);
        Assert.Contains("Literal['billing', 'tech']", e.Message);
    }

    [Fact]
    public void Union_takes_the_first_member_that_fits()
    {
        Assert.Equal(3L, Convert("3", "Union[int, str]"));
        Assert.Equal("x", Convert("x", "Union[int, str]"));
        Assert.Throws<FieldConversionException>(() => Convert("x", "Union[int, float]"));
    }
}
