using System.Text.Json.Nodes;
using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Signatures;

public class ModelTextParserTests
{
    [Theory]
    [InlineData("```json\n{\"a\": 1}\n```", "{\"a\": 1}")]
    [InlineData("  ```\nplain\n```  ", "plain")]
    [InlineData("```x```", "x")]
    [InlineData("no fence here", "no fence here")]
    public void StripCodeFence_removes_a_surrounding_fence_only(string text, string expected) =>
        Assert.Equal(expected, ModelTextParser.StripCodeFence(text));

    [Fact]
    public void TryParseJsonLenient_reads_trailing_commas_comments_and_python_literals()
    {
        var json = ModelTextParser.TryParseJsonLenient("{\"a\": [1, 2,], /* note */ \"b\": true,}", out var jsonOk);
        var python = ModelTextParser.TryParseJsonLenient("{'a': 'it\\'s', 'b': True, 'c': None}", out var pythonOk);

        Assert.True(jsonOk);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"a\": [1, 2], \"b\": true}"), json));
        Assert.True(pythonOk);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("{\"a\": \"it's\", \"b\": true, \"c\": null}"), python));
    }

    [Fact]
    public void TryParseJsonLenient_reports_text_that_is_not_json_in_either_style()
    {
        Assert.Null(ModelTextParser.TryParseJsonLenient("the answer is {a", out var ok));
        Assert.False(ok);
    }

    [Theory]
    [InlineData("- a\n- 'b'", new[] { "a", "b" })]
    [InlineData("1) a\n2) b", new[] { "a", "b" })]
    [InlineData("a, \"b\" ,", new[] { "a", "b" })]
    public void SplitPlainList_reads_bullets_numbers_and_commas(string text, string[] expected) =>
        Assert.Equal(expected, ModelTextParser.SplitPlainList(text).Cast<string>());
}
