using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.Core.Tests.Adapters;

public class AdapterRoundTripTests
{
    private static readonly Signature AllTypes = Signature.Parse(
        "question: str, tags: list[str], meta: dict[str, int] -> answer: str, count: int, score: float, flag: bool, items: list[str], mapping: dict[str, int], label: Literal['yes', 'no'], note: Optional[str], maybe: Optional[int]",
        "Answer the question about the tags.");

    public static TheoryData<string> AdapterNames => new() { "ChatAdapter", "JSONAdapter", "XMLAdapter", "MarkdownAdapter" };

    private static Demo AllTypesDemo() => Demo.Create(
        new { question = "Qu'est-ce que « 日本 » ? <b>&</b>", tags = new[] { "géo", "文化" }, meta = new Dictionary<string, int> { ["n"] = 1 } },
        new
        {
            answer = "Le Japon 🇯🇵 — « Nihon ».\nSecond line with <tags> & ## hashes",
            count = 3,
            score = 0.25,
            flag = true,
            items = new[] { "一", "two, with comma", "ß" },
            mapping = new Dictionary<string, int> { ["ä"] = 1, ["b"] = -2 },
            label = "yes",
            note = (string?)null,
            maybe = 7,
        });

    [Theory]
    [MemberData(nameof(AdapterNames))]
    public void Demo_outputs_formatted_by_an_adapter_parse_back_to_the_same_typed_values(string adapterName)
    {
        var adapter = AdapterFactory.Create(adapterName);
        var demo = AllTypesDemo();

        var messages = adapter.Format(AllTypes, [demo], new Dictionary<string, object?> { ["question"] = "q", ["tags"] = new[] { "x" }, ["meta"] = new Dictionary<string, int>() });
        var parsed = adapter.Parse(AllTypes, messages[2].Text);

        Assert.Equal("Le Japon 🇯🇵 — « Nihon ».\nSecond line with <tags> & ## hashes", parsed["answer"]);
        Assert.Equal(3L, parsed["count"]);
        Assert.Equal(0.25, parsed["score"]);
        Assert.Equal(true, parsed["flag"]);
        Assert.Equal(["一", "two, with comma", "ß"], (IReadOnlyList<object?>)parsed["items"]!);
        var mapping = (IReadOnlyDictionary<string, object?>)parsed["mapping"]!;
        Assert.Equal(1L, mapping["ä"]);
        Assert.Equal(-2L, mapping["b"]);
        Assert.Equal("yes", parsed["label"]);
        Assert.Equal(7L, parsed["maybe"]);
        Assert.Null(parsed["note"]);
    }

    [Theory]
    [MemberData(nameof(AdapterNames))]
    public void Format_puts_instructions_fields_and_types_in_the_system_message_demos_as_pairs_then_the_input(string adapterName)
    {
        var adapter = AdapterFactory.Create(adapterName);
        var signature = AllTypes.WithDescription("question", "Ask something in any language");
        var second = Demo.Create(new { question = "second demo question", tags = Array.Empty<string>(), meta = new { } }, new { answer = "a2" });

        var messages = adapter.Format(signature, [AllTypesDemo(), second], new Dictionary<string, object?> { ["question"] = "Wie spät ist es? ⏰", ["tags"] = new[] { "zeit" }, ["meta"] = new Dictionary<string, int> { ["k"] = 2 } });

        Assert.Equal(6, messages.Count);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant, ChatRole.User], messages.Select(m => m.Role));
        var system = messages[0].Text;
        Assert.Contains("Answer the question about the tags.", system);
        Assert.Contains("`question` (str): Ask something in any language", system);
        Assert.Contains("`label` (Literal['yes', 'no'])", system);
        Assert.Contains("`mapping` (dict[str, int])", system);
        Assert.Contains("yes; no", system);
        Assert.Contains("日本", messages[1].Text);
        Assert.Contains("second demo question", messages[3].Text);
        Assert.Contains(AdapterBase.NotSupplied, messages[4].Text);
        Assert.Contains("Wie spät ist es? ⏰", messages[5].Text);
        Assert.Contains("zeit", messages[5].Text);
        Assert.DoesNotContain("Wie spät", messages[1].Text);
    }

    [Theory]
    [MemberData(nameof(AdapterNames))]
    public void Parse_rejects_a_value_outside_the_literal_labels_naming_field_and_type(string adapterName)
    {
        var adapter = AdapterFactory.Create(adapterName);
        var signature = Signature.Parse("text -> label: Literal['spam', 'ham'], n: int");
        var reply = adapter.Format(signature, [Demo.Create(new { text = "t" }, new { label = "eggs", n = 1 })], new Dictionary<string, object?> { ["text"] = "x" })[2].Text;

        var e = Assert.Throws<AdapterParseException>(() => adapter.Parse(signature, reply));

        Assert.Equal("label", e.FieldName);
        Assert.Contains("Literal['spam', 'ham']", e.Message);
        Assert.Contains("'label'", e.Message);
        Assert.Equal(adapter.Name, e.AdapterName);
    }

    [Theory]
    [MemberData(nameof(AdapterNames))]
    public void Parse_reports_missing_required_outputs_by_name(string adapterName)
    {
        var adapter = AdapterFactory.Create(adapterName);
        var signature = Signature.Parse("q -> first: str, second: int");

        var e = Assert.Throws<AdapterParseException>(() => adapter.Parse(signature, "I refuse to answer in the format."));

        Assert.Contains("'first'", e.Message);
        Assert.Contains("'second'", e.Message);
    }
}
