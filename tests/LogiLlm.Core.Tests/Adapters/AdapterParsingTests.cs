using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.Core.Tests.Adapters;

public class AdapterParsingTests
{
    private static readonly Signature Qa = Signature.Parse("question -> answer: str, confidence: float");

    [Fact]
    public void Chat_reads_marked_fields_amid_prose_and_stops_at_completed()
    {
        var reply = "Sure! Here you go.\n[[ ## answer ## ]]\n  Zürich is in Switzerland 🇨🇭  \n\n[[ ##Confidence## ]]\n0.9\n\n[[ ## completed ## ]]\n[[ ## answer ## ]]\nignored";

        var parsed = new ChatAdapter().Parse(Qa, reply);

        Assert.Equal("Zürich is in Switzerland 🇨🇭", parsed["answer"]);
        Assert.Equal(0.9, parsed["confidence"]);
    }

    [Fact]
    public void Chat_accepts_an_unmarked_reply_when_there_is_exactly_one_output()
    {
        var signature = Signature.Parse("email -> category");

        Assert.Equal("refund", new ChatAdapter().Parse(signature, "  refund \n")["category"]);
        Assert.Equal("refund", new ChatAdapter().Parse(signature, "refund\n[[ ## completed ## ]]")["category"]);
        Assert.Throws<AdapterParseException>(() => new ChatAdapter().Parse(Qa, "just text"));
    }

    [Fact]
    public void Chat_final_user_message_asks_for_markers_in_order()
    {
        var messages = new ChatAdapter().Format(Qa, [], new Dictionary<string, object?> { ["question"] = "Why?" });

        var last = messages[^1].Text;
        Assert.StartsWith("[[ ## question ## ]]\nWhy?", last);
        Assert.Contains("`[[ ## answer ## ]]`, then `[[ ## confidence ## ]]`", last);
        Assert.Contains("[[ ## completed ## ]]", last);
        Assert.Null(new ChatAdapter().ResponseFormat(Qa));
    }

    [Fact]
    public void Json_reads_an_object_inside_a_code_fence_with_prose_around_it()
    {
        var reply = "Here is the JSON:\n```json\n{\"answer\": \"Ça marche — 東京\", \"confidence\": \"0.75\",}\n```\nHope it helps {not json}.";

        var parsed = new JsonAdapter().Parse(Qa, reply);

        Assert.Equal("Ça marche — 東京", parsed["answer"]);
        Assert.Equal(0.75, parsed["confidence"]);
    }

    [Fact]
    public void Json_reads_python_style_objects_and_braces_inside_strings()
    {
        Assert.Equal("a {b} c", new JsonAdapter().Parse(Qa, "{'answer': 'a {b} c', 'confidence': 1}")["answer"]);
        Assert.Equal("x}", new JsonAdapter().Parse(Qa, "prefix {\"answer\": \"x}\", \"confidence\": 0.5} suffix")["answer"]);
        Assert.Throws<AdapterParseException>(() => new JsonAdapter().Parse(Qa, "no json here"));
    }

    [Fact]
    public void Json_response_format_is_a_schema_built_from_the_signature_with_enums_for_literals()
    {
        var signature = Signature.Parse("q -> label: Literal['a', 'b'], tags: list[str], score: float, note: Optional[str], kind: Optional[Literal['x']]", "Label it");

        var format = Assert.IsType<ChatResponseFormatJson>(new JsonAdapter().ResponseFormat(signature));

        var schema = JsonNode.Parse(format.Schema!.Value.GetRawText())!;
        Assert.Equal("object", schema["type"]!.GetValue<string>());
        Assert.Equal(["label", "tags", "score", "note", "kind"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["a", "b"], schema["properties"]!["label"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("array", schema["properties"]!["tags"]!["type"]!.GetValue<string>());
        Assert.Equal("string", schema["properties"]!["tags"]!["items"]!["type"]!.GetValue<string>());
        Assert.Equal("number", schema["properties"]!["score"]!["type"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[\"string\",\"null\"]"), schema["properties"]!["note"]!["type"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[\"x\",null]"), schema["properties"]!["kind"]!["enum"]));
        Assert.False(schema["additionalProperties"]!.GetValue<bool>());
        Assert.Equal("outputs", format.SchemaName);
        Assert.Equal("Label it", format.SchemaDescription);
    }

    [Fact]
    public void Xml_unescapes_entities_and_reads_item_lists_and_attributes()
    {
        var signature = Signature.Parse("q -> answer: str, items: list[str], n: int");
        var reply = "Thinking...\n<answer>a &lt; b &amp;&amp; ü</answer>\n<items><item>α</item><item>β &amp; γ</item></items>\n<N type=\"int\"> 4 </N>";

        var parsed = new XmlAdapter().Parse(signature, reply);

        Assert.Equal("a < b && ü", parsed["answer"]);
        Assert.Equal(["α", "β & γ"], (IReadOnlyList<object?>)parsed["items"]!);
        Assert.Equal(4L, parsed["n"]);
    }

    [Fact]
    public void Markdown_reads_headings_and_bold_labels_and_ignores_headings_in_code_fences()
    {
        var signature = Signature.Parse("q -> answer: str, confidence: float, code: str");
        var reply = "### Answer:\nIt's **simple** — ünïcode.\n\n**confidence:** 0.6\n## code\n```python\n## not a heading\nprint('x')\n```\n## Notes\nextra stuff";

        var parsed = new MarkdownAdapter().Parse(signature, reply);

        Assert.Equal("It's **simple** — ünïcode.", parsed["answer"]);
        Assert.Equal(0.6, parsed["confidence"]);
        Assert.Equal("```python\n## not a heading\nprint('x')\n```", parsed["code"]);
    }

    [Fact]
    public void Fallback_reads_with_json_when_chat_markers_are_missing()
    {
        var adapter = new FallbackAdapter();

        var parsed = adapter.Parse(Qa, "{\"answer\": \"42\", \"confidence\": 1}");

        Assert.Equal("42", parsed["answer"]);
        Assert.Equal("ChatAdapter", adapter.Name);
        Assert.Equal(new ChatAdapter().Format(Qa, [], new Dictionary<string, object?> { ["question"] = "x" }).Select(m => m.Text), adapter.Format(Qa, [], new Dictionary<string, object?> { ["question"] = "x" }).Select(m => m.Text));
    }

    [Fact]
    public void Fallback_reports_every_adapter_reason_when_all_fail()
    {
        var e = Assert.Throws<AdapterParseException>(() => new FallbackAdapter().Parse(Qa, "nothing useful"));

        Assert.Contains("ChatAdapter", e.Message);
        Assert.Contains("JSONAdapter", e.Message);
        Assert.IsType<AggregateException>(e.InnerException);
    }

    [Theory]
    [InlineData("ChatAdapter", typeof(ChatAdapter))]
    [InlineData("chat", typeof(ChatAdapter))]
    [InlineData("JSONAdapter", typeof(JsonAdapter))]
    [InlineData("json", typeof(JsonAdapter))]
    [InlineData("XMLAdapter", typeof(XmlAdapter))]
    [InlineData("xml", typeof(XmlAdapter))]
    [InlineData("MarkdownAdapter", typeof(MarkdownAdapter))]
    [InlineData("markdown", typeof(MarkdownAdapter))]
    public void Factory_creates_allowlisted_adapters_whose_name_is_the_python_wire_name(string name, Type expected)
    {
        var adapter = AdapterFactory.Create(name, new JsonObject { ["k"] = 1 });

        Assert.IsType(expected, adapter);
        Assert.Contains(adapter.Name, AdapterFactory.WireNames);
        Assert.Equal(1, adapter.Config["k"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("System.IO.File")]
    [InlineData("TwoStepAdapter")]
    [InlineData("")]
    public void Factory_rejects_names_off_the_allowlist(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => AdapterFactory.Create(name));
        Assert.Contains("ChatAdapter", e.Message);
        Assert.False(AdapterFactory.IsKnown(name));
    }

    [Fact]
    public void Adapter_config_is_copied_not_shared()
    {
        var config = new JsonObject { ["k"] = 1 };
        var adapter = AdapterFactory.Create("json", config);
        config["k"] = 2;

        Assert.Equal(1, adapter.Config["k"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Object, JsonSerializer.SerializeToElement(adapter.Config).ValueKind);
    }
}
