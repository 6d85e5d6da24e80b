using LogiLlm.Demos;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;

namespace LogiLlm.LocalModel.Tests;

[Collection(LocalModelCollection.Name)]
public class LocalChatClientTests(LocalModelFixture fixture)
{
    [Fact]
    public async Task Response_names_the_local_model_and_counts_wordpiece_tokens()
    {
        var module = fixture.NewClassifier();
        var messages = module.RenderPrompt(new { email = "I was charged twice this month." });

        var response = await new LocalChatClient().GetResponseAsync(messages);

        Assert.Equal("local-minilm-knn", response.ModelId);
        Assert.Equal(messages.Sum(m => TokenCounter.Count(m.Text)), response.Usage?.InputTokenCount);
        Assert.Equal(TokenCounter.Count(response.Text), response.Usage?.OutputTokenCount);
        Assert.Equal("label-name", response.AdditionalProperties?[LocalChatClient.MethodProperty]);
    }

    [Fact]
    public void TokenCounter_uses_the_MiniLM_wordpiece_vocabulary()
    {
        Assert.Equal(0, TokenCounter.Count(""));
        Assert.Equal(1, TokenCounter.Count("hello"));
        Assert.True(TokenCounter.Count("unbelievably") > 1, "a rare word splits into several word pieces");
    }

    [Fact]
    public async Task Prediction_through_the_provider_reports_model_and_usage()
    {
        var module = fixture.NewClassifier();

        var prediction = await module.InvokeAsync(new { email = "How do I close my account and stop the subscription?" });

        Assert.True(prediction.Success, prediction.Error);
        Assert.Equal("local-minilm-knn", prediction.ModelId);
        Assert.True(prediction.Usage.InputTokens > 50);
        Assert.True(prediction.Usage.OutputTokens > 0);
        Assert.Contains(prediction.Outputs["category"], Signatures.FieldType.Parse(SampleDatasets.EmailsSignature.Split("-> category: ")[1]).Labels);
    }

    [Fact]
    public async Task Free_text_output_is_the_output_of_the_nearest_demo()
    {
        var module = new Predict("question: str -> answer: str") { Provider = fixture.Provider };
        module.DemoManager.Add(Demo.Create(new { question = "What is the capital of France?" }, new { answer = "Paris" }));
        module.DemoManager.Add(Demo.Create(new { question = "How do I reset my router?" }, new { answer = "Unplug it for ten seconds." }));
        module.DemoManager.Add(Demo.Create(new { question = "Which planet is the largest?" }, new { answer = "Jupiter" }));

        var prediction = await module.InvokeAsync(new { question = "my wifi box stopped working, how do I restart it" });

        Assert.True(prediction.Success, prediction.Error);
        Assert.Equal("Unplug it for ten seconds.", prediction.Outputs["answer"]);
    }

    [Fact]
    public async Task Labels_seen_only_in_demos_are_voted_for_a_str_output()
    {
        var module = new Predict("review: str -> sentiment: str") { Provider = fixture.Provider };
        string[] good = ["Loved it, works perfectly", "Great value and fast shipping", "Excellent quality, very happy", "Fantastic, would buy again"];
        string[] bad = ["Broke after one day, awful", "Terrible quality, waste of money", "Very disappointed, it does not work", "Horrible experience, never again"];
        foreach (var text in good) module.DemoManager.Add(Demo.Create(new { review = text }, new { sentiment = "positive" }));
        foreach (var text in bad) module.DemoManager.Add(Demo.Create(new { review = text }, new { sentiment = "negative" }));
        module.DemoManager.MaxDemos = 8;

        var positive = await module.InvokeAsync(new { review = "Really happy with this purchase, great product" });
        var negative = await module.InvokeAsync(new { review = "Awful, it stopped working and I want nothing to do with it" });

        Assert.Equal("positive", positive.Outputs["sentiment"]);
        Assert.Equal("negative", negative.Outputs["sentiment"]);
    }

    [Fact]
    public async Task Chain_of_thought_takes_reasoning_from_a_demo_that_agrees_with_the_chosen_label()
    {
        var module = new ChainOfThought("email: str -> category: Literal['refund_request', 'order_status']") { Provider = fixture.Provider };
        module.DemoManager.Add(Demo.Create(new { email = "My parcel has not arrived yet" }, new { reasoning = "Asks where the parcel is.", category = "order_status" }));
        module.DemoManager.Add(Demo.Create(new { email = "I returned the shoes, please give my money back" }, new { reasoning = "Wants money back for a return.", category = "refund_request" }));

        var prediction = await module.InvokeAsync(new { email = "Sent the jacket back last week, when do I get my refund?" });

        Assert.True(prediction.Success, prediction.Error);
        Assert.Equal("refund_request", prediction.Outputs["category"]);
        Assert.Equal("Wants money back for a return.", prediction.Outputs["reasoning"]);
    }

    [Fact]
    public async Task Zero_shot_free_text_says_it_has_no_answer_instead_of_inventing_one()
    {
        var module = new Predict("question: str -> answer: str") { Provider = fixture.Provider };

        var prediction = await module.InvokeAsync(new { question = "Write a poem about the sea" });

        Assert.True(prediction.Success, prediction.Error);
        Assert.Equal(LocalModelOptions.DefaultNoAnswerText, prediction.Outputs["answer"]);
    }

    [Fact]
    public async Task Zero_shot_typed_output_without_demos_fails_with_a_clear_provider_error()
    {
        var module = new Predict("question: str -> count: int") { Provider = fixture.Provider };

        var e = await Assert.ThrowsAsync<ProviderException>(() => module.InvokeAsync(new { question = "How many?" }));

        Assert.Contains("count", e.Message);
        Assert.Contains("demos", e.Message);
    }

    [Fact]
    public async Task Demo_embeddings_are_cached_across_calls()
    {
        var embedder = SentenceEmbedder.Shared;
        var module = fixture.NewClassifier();
        module.DemoManager.MaxDemos = 12;
        foreach (var row in fixture.Train.Skip(40).Take(12))
        {
            module.DemoManager.Add(LocalModelFixture.ToDemo(row));
        }

        await module.InvokeAsync(new { email = "cache warm-up email about a late parcel" });
        var before = embedder.EncodedTexts;
        await module.InvokeAsync(new { email = "a different email about a late parcel" });

        Assert.Equal(1, embedder.EncodedTexts - before); // only the new input; demos and label names come from the cache
    }

    [Fact]
    public async Task Concurrent_calls_give_the_same_answers_as_sequential_ones()
    {
        var module = fixture.NewClassifier();
        module.DemoManager.MaxDemos = 30;
        foreach (var row in fixture.Train.Take(30))
        {
            module.DemoManager.Add(LocalModelFixture.ToDemo(row));
        }

        var emails = fixture.Dev.Take(8).Select(r => (string)r["inputs"]!["email"]!).ToArray();
        var sequential = new List<object?>();
        foreach (var email in emails)
        {
            sequential.Add((await module.InvokeAsync(new { email })).Outputs["category"]);
        }

        var concurrent = await Task.WhenAll(emails.Select(async email => (await module.InvokeAsync(new { email })).Outputs["category"]));

        Assert.Equal(sequential, concurrent);
    }

    [Fact]
    public async Task Without_a_LogiLlm_prompt_it_votes_over_the_demo_replies_verbatim()
    {
        var client = new LocalChatClient();
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "I want my money back for the broken kettle"),
            new(ChatRole.Assistant, "REFUND"),
            new(ChatRole.User, "Where is my order? It was due Monday"),
            new(ChatRole.Assistant, "WHERE"),
            new(ChatRole.User, "Please refund the damaged lamp I returned"),
        ];

        var response = await client.GetResponseAsync(messages);

        Assert.Equal("REFUND", response.Text);
    }
}
