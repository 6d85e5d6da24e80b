using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Signatures;

public class ClassSignatureTests
{
    public enum Priority
    {
        Low,
        High,
    }

    [SignatureInstructions("Triage a support ticket.")]
    public sealed class TriageTicket
    {
        [InputField(Description = "The customer's message")]
        public string CustomerMessage { get; set; } = "";

        [InputField]
        public List<string> Tags { get; set; } = [];

        [InputField]
        public int? Age { get; set; }

        [InputField]
        public string? Notes { get; set; }

        [OutputField(Description = "How urgent")]
        public Priority Urgency { get; set; }

        [OutputField]
        public double Confidence { get; set; }

        [OutputField]
        public Dictionary<string, int> Scores { get; set; } = [];

        [OutputField(Name = "label", Type = "Literal['spam', 'ham']")]
        public string Kind { get; set; } = "";

        public string NotAField { get; set; } = "";
    }

    public sealed class NoOutputs
    {
        [InputField]
        public string Text { get; set; } = "";
    }

    [Fact]
    public void FromType_reads_fields_types_descriptions_and_instructions_in_declaration_order()
    {
        var signature = Signature.FromType<TriageTicket>();

        Assert.Equal("customer_message: str, tags: list[str], age: Optional[int], notes: Optional[str] -> urgency: Literal['Low', 'High'], confidence: float, scores: dict[str, int], label: Literal['spam', 'ham']", signature.ToString());
        Assert.Equal("Triage a support ticket.", signature.Instructions);
        Assert.Equal("The customer's message", signature.GetField("customer_message")!.Description);
        Assert.Equal("How urgent", signature.GetField("urgency")!.Description);
        Assert.Null(signature.GetField("not_a_field"));
        Assert.Equal("TriageTicket", signature.Type);
    }

    [Fact]
    public void FromType_without_output_fields_throws()
    {
        var e = Assert.Throws<ArgumentException>(() => Signature.FromType<NoOutputs>());
        Assert.Contains("OutputField", e.Message);
    }
}
