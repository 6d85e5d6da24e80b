using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.Core.Tests.Adapters;

/// <summary>
/// The built-in adapters keep a signature's system message and final instruction, and a demo's messages, between calls:
/// the prompt is the one a fresh adapter writes, and it follows every change of signature, instructions or demos.
/// </summary>
public class AdapterPromptCacheTests
{
    private static readonly Signature Qa = Signature.Parse("question: str, tags: list[str] -> answer: str", "Answer the question.");

    private static readonly Dictionary<string, object?> Inputs = new() { ["question"] = "the real question", ["tags"] = new[] { "t" } };

    public static TheoryData<string> AdapterNames => new() { "ChatAdapter", "JSONAdapter", "XMLAdapter", "MarkdownAdapter" };

    [Theory]
    [MemberData(nameof(AdapterNames))]
    public void A_repeated_prompt_is_what_a_fresh_adapter_writes_and_follows_new_instructions_descriptions_and_demos(string adapterName)
    {
        var adapter = AdapterFactory.Create(adapterName);
        var first = Demo.Create(new { question = "first demo question" }, new { answer = "first answer" });

        AssertSameAsFresh(adapter, Qa, [first]);
        AssertSameAsFresh(adapter, Qa, [first]);

        var instructed = Qa.WithInstructions("Answer in one word.");
        Assert.Contains("Answer in one word.", AssertSameAsFresh(adapter, instructed, [first])[0]);
        var described = instructed.WithDescription("question", "What the customer asks");
        Assert.Contains("What the customer asks", AssertSameAsFresh(adapter, described, [first])[0]);

        var replaced = first with { Outputs = Demo.Create(new { }, new { answer = "replaced answer" }).Outputs };
        var texts = AssertSameAsFresh(adapter, described, [replaced]);
        Assert.Contains("replaced answer", texts[2]);
        Assert.DoesNotContain("first answer", texts[2]);

        var second = Demo.Create(new { question = "second demo question" }, new { answer = "second answer" });
        texts = AssertSameAsFresh(adapter, described, [second, replaced]);
        Assert.Equal(6, texts.Count);
        Assert.Contains("second demo question", texts[1]);
        Assert.Contains("first demo question", texts[3]);
        Assert.Equal(2, AssertSameAsFresh(adapter, described, []).Count);
    }

    [Theory]
    [MemberData(nameof(AdapterNames))]
    public void A_demo_whose_values_change_in_place_is_formatted_anew(string adapterName)
    {
        var adapter = AdapterFactory.Create(adapterName);
        var nested = Demo.Create(new { question = "q", tags = new[] { "before" } }, new { answer = "a" });
        var values = new Dictionary<string, JsonNode?> { ["question"] = JsonValue.Create("plain before") };
        var plain = new Demo(values, Demo.Create(new { }, new { answer = "a" }).Outputs);
        AssertSameAsFresh(adapter, Qa, [nested, plain]);

        ((JsonArray)nested.Inputs["tags"]!).Add("added in place");
        values["question"] = JsonValue.Create("plain after");

        var texts = AssertSameAsFresh(adapter, Qa, [nested, plain]);
        Assert.Contains("added in place", texts[1]);
        Assert.Contains("plain after", texts[3]);
    }

    [Fact]
    public void A_module_predicting_again_formats_its_system_message_and_each_demo_once_and_follows_changes()
    {
        var module = new Predict(Qa) { Adapter = new CountingAdapter(caches: true) };
        var adapter = (CountingAdapter)module.Adapter;
        module.DemoManager.Add(Demo.Create(new { question = "d1" }, new { answer = "a1" }));
        module.DemoManager.Add(Demo.Create(new { question = "d2" }, new { answer = "a2" }));

        for (var i = 0; i < 3; i++)
        {
            module.RenderPrompt(new { question = $"call {i}", tags = new[] { "t" } });
        }

        Assert.Equal(1, adapter.SystemMessages);
        Assert.Equal(2, adapter.DemoOutputs);
        Assert.Equal(1, adapter.FinalInstructions);

        module.Signature = Qa.WithInstructions("Changed.");
        module.DemoManager.Demos[0] = Demo.Create(new { question = "d1 replaced" }, new { answer = "a1 replaced" });
        var prompt = module.RenderPrompt(new { question = "again", tags = new[] { "t" } });

        Assert.Contains("Changed.", prompt[0].Text);
        Assert.Contains("a1 replaced", prompt[2].Text);
        Assert.Equal(2, adapter.SystemMessages);
        Assert.Equal(4, adapter.DemoOutputs);
    }

    [Fact]
    public void A_loaded_module_predicting_again_formats_each_demo_once()
    {
        var module = Predict.Load(Persistence.PersistenceTestKit.Fixture("optimized.json"));
        var adapter = new CountingAdapter(caches: true);
        module.Adapter = adapter;
        var demos = module.DemoManager.Select().Count;
        Assert.True(demos > 0);

        module.RenderPrompt(new { email = "first" });
        module.RenderPrompt(new { email = "second" });

        Assert.Equal(1, adapter.SystemMessages);
        Assert.Equal(demos, adapter.DemoOutputs);
    }

    [Fact]
    public void An_adapter_that_does_not_opt_in_formats_every_call()
    {
        var adapter = new CountingAdapter(caches: false);
        var demos = new[] { Demo.Create(new { question = "d1" }, new { answer = "a1" }) };

        adapter.Format(Qa, demos, Inputs);
        adapter.Format(Qa, demos, Inputs);

        Assert.Equal(2, adapter.SystemMessages);
        Assert.Equal(2, adapter.DemoOutputs);
    }

    /// <summary>The texts of <paramref name="adapter"/>'s prompt, checked against those of a new adapter of its kind.</summary>
    private static List<string> AssertSameAsFresh(IAdapter adapter, Signature signature, IReadOnlyList<Demo> demos)
    {
        var texts = adapter.Format(signature, demos, Inputs).Select(m => m.Text).ToList();
        var fresh = AdapterFactory.Create(adapter.Name).Format(signature, demos, Inputs);
        Assert.Equal(fresh.Select(m => m.Text), texts);
        Assert.Equal(fresh.Select(m => m.Role), adapter.Format(signature, demos, Inputs).Select(m => m.Role));
        return texts;
    }

    /// <summary>A minimal adapter that counts the texts it writes.</summary>
    private sealed class CountingAdapter(bool caches) : AdapterBase(null)
    {
        public int SystemMessages { get; private set; }

        public int DemoOutputs { get; private set; }

        public int FinalInstructions { get; private set; }

        public override string Name => "CountingAdapter";

        protected override bool CachesPromptTexts => caches;

        protected override string MissingHint => "none";

        protected override IDictionary<string, object?> ExtractOutputs(Signature signature, string completion) => new Dictionary<string, object?>();

        protected override string FormatInputs(Signature signature, IReadOnlyDictionary<string, object?> values) =>
            string.Join("\n", signature.InputFields.Where(f => values.ContainsKey(f.Name)).Select(f => $"{f.Name}: {ValueText(values[f.Name])}"));

        protected override string FormatOutputs(Signature signature, IReadOnlyDictionary<string, object?> values)
        {
            DemoOutputs++;
            return string.Join("\n", signature.OutputFields.Select(f => $"{f.Name}: {ValueText(values.GetValueOrDefault(f.Name))}"));
        }

        protected override string DescribeStructure(Signature signature) => "fields";

        protected override string FormatSystemMessage(Signature signature)
        {
            SystemMessages++;
            return base.FormatSystemMessage(signature);
        }

        protected override string? FinalInstruction(Signature signature)
        {
            FinalInstructions++;
            return null;
        }
    }
}
