using LogiLlm.Adapters;
using LogiLlm.Signatures;

namespace LogiLlm.LocalModel.Tests;

/// <summary>AdapterBase.FormatReply (the Core member the local model answers with) reads back through Parse.</summary>
public class FormatReplyTests
{
    [Theory]
    [InlineData("ChatAdapter")]
    [InlineData("JSONAdapter")]
    [InlineData("XMLAdapter")]
    [InlineData("MarkdownAdapter")]
    public void FormatReply_is_read_back_by_Parse_for_every_built_in_adapter(string name)
    {
        var adapter = (AdapterBase)AdapterFactory.Create(name);
        var signature = Signature.Parse("email: str -> category: Literal['refund_request', 'feedback'], urgent: bool, note: str");
        var outputs = new Dictionary<string, object?> { ["category"] = "feedback", ["urgent"] = true, ["note"] = "Thanks <3 & see you" };

        var parsed = adapter.Parse(signature, adapter.FormatReply(signature, outputs));

        Assert.Equal("feedback", parsed["category"]);
        Assert.Equal(true, parsed["urgent"]);
        Assert.Equal("Thanks <3 & see you", parsed["note"]);
    }
}
