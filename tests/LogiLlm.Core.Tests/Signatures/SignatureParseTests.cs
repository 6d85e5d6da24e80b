using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Signatures;

public class SignatureParseTests
{
    [Theory]
    [InlineData("email: str, tags: list[str] -> category: str, confidence: float", "email: str, tags: list[str] -> category: str, confidence: float")]
    [InlineData("question -> answer", "question: str -> answer: str")]
    [InlineData("  a:int ,b : bool->c:dict[str,int]  ", "a: int, b: bool -> c: dict[str, int]")]
    [InlineData("x: Optional[str] -> y: str | None", "x: Optional[str] -> y: Optional[str]")]
    [InlineData("x: Literal['a', 'b'] -> y: Literal[\"yes\", \"no\"]", "x: Literal['a', 'b'] -> y: Literal['yes', 'no']")]
    [InlineData("x: dict[str, list[dict[str, Optional[int]]]] -> y", "x: dict[str, list[dict[str, Optional[int]]]] -> y: str")]
    [InlineData("x: List[int] -> y: Dict[str, float]", "x: list[int] -> y: dict[str, float]")]
    [InlineData("x: Union[int, str] -> y: int | str | None", "x: Union[int, str] -> y: Optional[Union[int, str]]")]
    [InlineData("x: Union[str, None] -> y: tuple[int, str]", "x: Optional[str] -> y: tuple[int, str]")]
    [InlineData("-> joke", "-> joke: str")]
    [InlineData("image: Image -> caption: Any", "image: Image -> caption: Any")]
    [InlineData("frage: str -> antwort_über: str", "frage: str -> antwort_über: str")]
    [InlineData("x: Literal[1, 2, True, None, 'it\\'s'] -> y", "x: Literal[1, 2, True, None, 'it\\'s'] -> y: str")]
    public void Parse_accepts_valid_signatures_and_ToString_gives_the_canonical_form(string spec, string canonical)
    {
        var signature = Signature.Parse(spec);

        Assert.Equal(canonical, signature.ToString());
        Assert.Equal(signature, Signature.Parse(signature.ToString()));
    }

    [Theory]
    [InlineData("email: str ->", 13, "expected at least one output field")]
    [InlineData("a: lst[str] -> b", 3, "unknown generic type 'lst'")]
    [InlineData("a: lst -> b", 3, "unknown type 'lst'")]
    [InlineData("a, b, a -> c", 6, "duplicate field name 'a'")]
    [InlineData("a -> a", 5, "duplicate field name 'a'")]
    [InlineData("a: list[str -> b", 12, "unbalanced brackets")]
    [InlineData("a: list[str", 11, "unbalanced brackets")]
    [InlineData("a: list[str]] -> b", 12, "unbalanced ']'")]
    [InlineData("a, , b -> c", 3, "empty field name")]
    [InlineData(": str -> c", 0, "empty field name")]
    [InlineData("a: str, b: int", 14, "missing '->'")]
    [InlineData("a: -> b", 3, "expected a type after ':'")]
    [InlineData("a -> b -> c", 7, "unexpected second '->'")]
    [InlineData("a b -> c", 2, "expected ',', ':' or '->'")]
    [InlineData("a: dict[str] -> b", 3, "takes 2 type argument(s), got 1")]
    [InlineData("a: Literal[] -> b", 11, "expected a literal value")]
    [InlineData("a: Literal['x -> b", 11, "unterminated string literal")]
    [InlineData("a: str[int] -> b", 3, "does not take type arguments")]
    [InlineData("a: None -> b", 3, "'None' alone")]
    [InlineData("1a -> b", 0, "expected a field name")]
    [InlineData("", 0, "empty signature")]
    public void Parse_rejects_malformed_signatures_naming_position_and_expectation(string spec, int position, string expectation)
    {
        var e = Assert.Throws<SignatureParseException>(() => Signature.Parse(spec));

        Assert.Equal(position, e.Position);
        Assert.Contains(expectation, e.Message);
        Assert.Contains($"position {position}", e.Message);
        Assert.IsAssignableFrom<FormatException>(e);
    }

    [Fact]
    public void Parse_keeps_field_order_kinds_and_types()
    {
        var signature = Signature.Parse("email: str, tags: list[str] -> category: Literal['a', 'b'], confidence: float", "Classify emails");

        Assert.Equal(["email", "tags"], signature.InputFields.Select(f => f.Name));
        Assert.Equal(["category", "confidence"], signature.OutputFields.Select(f => f.Name));
        Assert.All(signature.InputFields, f => Assert.Equal(FieldKind.Input, f.Kind));
        Assert.All(signature.OutputFields, f => Assert.Equal(FieldKind.Output, f.Kind));
        Assert.Equal(FieldType.List(FieldType.Str), signature.InputFields[1].Type);
        Assert.Equal(["a", "b"], signature.OutputFields[0].Type.Labels);
        Assert.Equal("Classify emails", signature.Instructions);
        Assert.Equal("BaseSignature", signature.Type);
    }

    [Fact]
    public void Untyped_fields_are_str_and_required()
    {
        var field = Signature.Parse("question -> answer").InputFields[0];

        Assert.Equal(FieldType.Str, field.Type);
        Assert.True(field.Required);
        Assert.Null(field.Description);
    }

    [Fact]
    public void WithDescription_and_WithInstructions_return_changed_copies()
    {
        var original = Signature.Parse("q -> a");

        var changed = original.WithDescription("a", "The answer").WithInstructions("Answer briefly");

        Assert.Equal("The answer", changed.GetField("a")!.Description);
        Assert.Equal("Answer briefly", changed.Instructions);
        Assert.Null(original.GetField("a")!.Description);
        Assert.Null(original.Instructions);
        Assert.NotEqual(original, changed);
        Assert.Throws<ArgumentException>(() => original.WithDescription("missing", "x"));
    }

    [Fact]
    public void PrependOutput_puts_the_field_first()
    {
        var signature = Signature.Parse("q -> a").PrependOutput(new FieldSpec("reasoning", FieldKind.Output, FieldType.Str));

        Assert.Equal(["reasoning", "a"], signature.OutputFields.Select(f => f.Name));
        Assert.Throws<ArgumentException>(() => signature.PrependOutput(new FieldSpec("a", FieldKind.Output, FieldType.Str)));
    }

    [Fact]
    public void Constructor_rejects_duplicate_names_and_missing_outputs()
    {
        var a = new FieldSpec("a", FieldKind.Input, FieldType.Str);
        Assert.Throws<ArgumentException>(() => new Signature([a], []));
        Assert.Throws<ArgumentException>(() => new Signature([a], [a with { Kind = FieldKind.Output }]));
    }

    [Theory]
    [InlineData("str")]
    [InlineData("list[str]")]
    [InlineData("dict[str, int]")]
    [InlineData("Optional[str]")]
    [InlineData("Literal['a', 'b']")]
    [InlineData("dict[str, list[Optional[Literal['x', 'y']]]]")]
    [InlineData("Union[int, float, str]")]
    [InlineData("list")]
    [InlineData("Optional")]
    [InlineData("tuple[int, str, bool]")]
    [InlineData("set[int]")]
    [InlineData("Literal['café', '日本', 'don\\'t']")]
    public void FieldType_round_trips_canonical_expressions_exactly(string expression)
    {
        var type = FieldType.Parse(expression);

        Assert.Equal(expression, type.ToString());
        Assert.Equal(type, FieldType.Parse(type.ToString()));
    }

    [Fact]
    public void FieldType_normalises_pipe_None_to_Optional_and_reports_python_type()
    {
        var type = FieldType.Parse("list[str] | None");

        Assert.Equal("Optional[list[str]]", type.ToString());
        Assert.Equal("Optional", type.PythonType);
        Assert.True(type.IsOptional);
        Assert.Equal(FieldType.List(FieldType.Str), type.Unwrapped);
        Assert.Equal("list", type.Unwrapped.PythonType);
    }

    [Fact]
    public void Label_sets_are_recognised_through_Optional()
    {
        Assert.True(FieldType.Parse("Literal['a', 'b']").IsLabelSet);
        Assert.Equal(["x", "y"], FieldType.Parse("Optional[Literal['x', 'y']]").Labels);
        Assert.False(FieldType.Str.IsLabelSet);
        Assert.Empty(FieldType.Str.Labels);
    }

    [Fact]
    public void FieldType_Parse_rejects_trailing_text()
    {
        var e = Assert.Throws<SignatureParseException>(() => FieldType.Parse("list[str] x"));
        Assert.Equal(10, e.Position);
        Assert.False(FieldType.TryParse("lst[str]", out _));
    }
}
