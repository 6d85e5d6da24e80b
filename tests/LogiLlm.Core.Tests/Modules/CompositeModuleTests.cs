using LogiLlm.Providers;

namespace LogiLlm.Core.Tests.Modules;

public class CompositeModuleTests
{
    private sealed class SummarizeThenClassify : Module
    {
        public SummarizeThenClassify()
            : base("SummarizeThenClassify")
        {
            AddChild("summarize", new Predict("text -> summary"));
            AddChild("classify", new Predict("summary -> label: Literal['good', 'bad']"));
        }

        public override Module Clone() => CopyStateTo(new SummarizeThenClassify());

        protected override async Task<Prediction> ForwardAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken)
        {
            var summary = await Children["summarize"].InvokeAsync(inputs, cancellationToken);
            var label = await Children["classify"].InvokeAsync(new { summary = summary.Outputs["summary"] }, cancellationToken);
            return new Prediction(new Dictionary<string, object?> { ["summary"] = summary.Outputs["summary"], ["label"] = label.Outputs["label"] })
            {
                Usage = summary.Usage + label.Usage,
            };
        }
    }

    [Fact]
    public async Task A_composite_runs_its_named_children_in_order_and_sums_usage()
    {
        var client = new ScriptedChatClient()
            .When(r => r.SystemText.Contains("`summary` (str)") && r.SystemText.Contains("`text`"), "short summary")
            .When(r => r.SystemText.Contains("`label`"), "good");
        var program = new SummarizeThenClassify();
        foreach (var child in program.Children.Values)
        {
            child.Provider = new Provider("scripted", "m", client);
        }

        var result = await program.InvokeAsync(new { text = "a long text" });

        Assert.Equal("short summary", result.Outputs["summary"]);
        Assert.Equal("good", result.Outputs["label"]);
        Assert.Equal(2, client.Requests.Count);
        Assert.Contains("short summary", client.Requests[1].LastUserText);
        Assert.Equal(client.Requests.Sum(r => MockChatClient.CountWords(r.AllText)), result.Usage.InputTokens);
        Assert.Equal(["summarize", "classify"], program.Clone().Children.Keys);
    }
}
