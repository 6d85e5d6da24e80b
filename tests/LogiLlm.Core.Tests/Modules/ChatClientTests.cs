using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Providers;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.Core.Tests.Modules;

public class ChatClientTests
{
    [Fact]
    public async Task Mock_echoes_the_answer_of_the_demo_with_most_word_overlap()
    {
        var signature = Signature.Parse("email -> category");
        var messages = new ChatAdapter().Format(
            signature,
            [Demo.Create(new { email = "Where is my package order" }, new { category = "order_status" }), Demo.Create(new { email = "I want my money back refund" }, new { category = "refund" })],
            new Dictionary<string, object?> { ["email"] = "please refund my money" });
        using var mock = new MockChatClient();

        var response = await mock.GetResponseAsync(messages);

        Assert.Equal("refund", new ChatAdapter().Parse(signature, response.Text)["category"]);
        Assert.Equal("mock-model", response.ModelId);
        Assert.Equal(MockChatClient.CountWords(string.Join(" ", messages.Select(m => m.Text))), response.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Mock_prefers_queued_then_responder_then_default()
    {
        using var mock = new MockChatClient("m2") { Responder = _ => "configured" };
        mock.Enqueue("queued one");

        Assert.Equal("queued one", (await mock.GetResponseAsync([new ChatMessage(ChatRole.User, "x")])).Text);
        Assert.Equal("configured", (await mock.GetResponseAsync([new ChatMessage(ChatRole.User, "x")])).Text);
        mock.Responder = null;
        var fallback = await mock.GetResponseAsync([new ChatMessage(ChatRole.User, "x")]);
        Assert.Equal("mock response", fallback.Text);
        Assert.Equal(2, fallback.Usage!.OutputTokenCount);
        Assert.Equal("m2", fallback.ModelId);
        Assert.Equal(3, mock.CallCount);
        Assert.Equal("m2", mock.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task Mock_streaming_yields_the_same_text()
    {
        using var mock = new MockChatClient();
        var text = "";
        await foreach (var update in mock.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")]))
        {
            text += update.Text;
        }

        Assert.Equal("mock response", text);
    }

    [Fact]
    public async Task Predict_on_the_mock_provider_answers_from_its_demos()
    {
        var module = new Predict("email -> category") { Provider = new Provider("mock", "mock-model", new MockChatClient()) };
        module.DemoManager.Add(Demo.Create(new { email = "cancel my account now" }, new { category = "cancellation" }));
        module.DemoManager.Add(Demo.Create(new { email = "where is my order" }, new { category = "order_status" }));

        var result = await module.InvokeAsync(new { email = "please cancel the account" });

        Assert.Equal("cancellation", result.Outputs["category"]);
    }

    [Fact]
    public async Task Scripted_replies_by_queue_then_rule_then_fallback_and_records_requests()
    {
        using var client = new ScriptedChatClient()
            .When(r => r.LastUserText.Contains("weather"), "sunny")
            .Otherwise("default");
        client.Enqueue("first");

        Assert.Equal("first", (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "weather?")])).Text);
        Assert.Equal("sunny", (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "weather?")], new ChatOptions { Temperature = 0.2f })).Text);
        Assert.Equal("default", (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "other")])).Text);

        Assert.Equal(3, client.Requests.Count);
        Assert.Equal(0.2f, client.Requests[1].Options!.Temperature);
        Assert.Null(client.Requests[0].Options);
    }

    [Fact]
    public async Task Scripted_without_a_matching_reply_throws()
    {
        using var client = new ScriptedChatClient();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]));

        Assert.Contains("hello", e.Message);
    }
}
