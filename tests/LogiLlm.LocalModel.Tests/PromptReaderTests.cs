using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Signatures;

namespace LogiLlm.LocalModel.Tests;

/// <summary>Reading a LogiLlm prompt back (no network needed).</summary>
public class PromptReaderTests
{
    private static readonly Signature Emails = Signature.Parse(SampleDatasets.EmailsSignature);

    [Theory]
    [InlineData("ChatAdapter")]
    [InlineData("JSONAdapter")]
    [InlineData("XMLAdapter")]
    [InlineData("MarkdownAdapter")]
    public void Read_recovers_signature_adapter_demos_and_bare_input_for_every_built_in_adapter(string adapterName)
    {
        var adapter = AdapterFactory.Create(adapterName);
        var demos = new[]
        {
            Demo.Create(new { email = "Please cancel my plan & stop billing <now>" }, new { category = "cancellation" }),
            Demo.Create(new { email = "Where is my parcel?" }, new { category = "order_status" }),
        };
        var messages = adapter.Format(Emails, demos, new Dictionary<string, object?> { ["email"] = "The app crashes when I open tracking." });

        var view = PromptReader.Read(messages.ToList());

        Assert.Equal(Emails.ToString(), view.Signature?.ToString());
        Assert.Equal(adapterName, view.Adapter?.Name);
        Assert.Equal("The app crashes when I open tracking.", view.Query);
        Assert.Equal(2, view.Demos.Count);
        Assert.Equal("Please cancel my plan & stop billing <now>", view.Demos[0].Input);
        Assert.Equal(messages[2].Text, view.Demos[0].Reply);
    }

    [Fact]
    public void ReadSignature_keeps_full_types_of_several_fields()
    {
        var signature = Signature.Parse("question: str, context: list[str] -> answer: str, confidence: float, tags: Optional[Literal['a (x)', 'b']]");
        var system = new ChatAdapter().Format(signature, [], new Dictionary<string, object?>())[0].Text!;

        Assert.Equal(signature.ToString(), PromptReader.ReadSignature(system)?.ToString());
    }

    [Fact]
    public void Read_without_a_LogiLlm_system_message_has_no_signature_but_keeps_demo_pairs()
    {
        var messages = new List<Microsoft.Extensions.AI.ChatMessage>
        {
            new(Microsoft.Extensions.AI.ChatRole.User, "refund me"),
            new(Microsoft.Extensions.AI.ChatRole.Assistant, "refund_request"),
            new(Microsoft.Extensions.AI.ChatRole.User, "where is it"),
        };

        var view = PromptReader.Read(messages);

        Assert.Null(view.Signature);
        Assert.Null(view.Adapter);
        Assert.Equal("where is it", view.Query);
        Assert.Equal("refund_request", Assert.Single(view.Demos).Reply);
    }
}
