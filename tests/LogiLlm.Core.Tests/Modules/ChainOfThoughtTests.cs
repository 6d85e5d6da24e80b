using LogiLlm.Providers;
using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Modules;

public class ChainOfThoughtTests
{
    [Fact]
    public void Constructor_adds_reasoning_as_the_first_output_with_the_standard_description()
    {
        var cot = new ChainOfThought("question -> answer");

        Assert.Equal("ChainOfThought", cot.ModuleType);
        Assert.Equal(["reasoning", "answer"], cot.Signature!.OutputFields.Select(f => f.Name));
        Assert.Equal("Let's think step by step to solve this problem.", cot.Signature.OutputFields[0].Description);
        Assert.Equal(FieldType.Str, cot.Signature.OutputFields[0].Type);
    }

    [Fact]
    public void A_signature_that_already_has_reasoning_is_kept_as_is()
    {
        var withReasoning = new ChainOfThought("question -> answer").Signature!;

        var again = new ChainOfThought(withReasoning);

        Assert.Equal(withReasoning, again.Signature);
        Assert.Throws<ArgumentException>(() => new ChainOfThought("reasoning -> answer"));
    }

    [Fact]
    public async Task Invocation_asks_for_reasoning_first_and_returns_it_with_the_answer()
    {
        var client = new ScriptedChatClient();
        var cot = new ChainOfThought("question -> answer: int") { Provider = new Provider("scripted", "m", client) };
        cot.DemoManager.Add(LogiLlm.Demos.Demo.Create(new { question = "1+1?" }, new { answer = 2 }));
        client.Enqueue("[[ ## reasoning ## ]]\nTwo plus two is four.\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]");

        var result = await cot.InvokeAsync(new { question = "2+2?" });

        Assert.True(result.Success, result.Error);
        Assert.Equal("Two plus two is four.", result.Outputs["reasoning"]);
        Assert.Equal(4L, result.Outputs["answer"]);
        var request = client.LastRequest;
        Assert.Contains("`[[ ## reasoning ## ]]`, then `[[ ## answer ## ]]`", request.LastUserText);
        Assert.Contains("Let's think step by step", request.SystemText);
        Assert.Contains("Not supplied for this particular example.", request.Messages[2].Text);
    }

    [Fact]
    public void Clone_keeps_the_type_and_signature()
    {
        var cot = new ChainOfThought("q -> a");

        var clone = Assert.IsType<ChainOfThought>(cot.Clone());

        Assert.Equal(cot.Signature, clone.Signature);
        Assert.Equal(2, clone.Signature!.OutputFields.Count);
    }
}
