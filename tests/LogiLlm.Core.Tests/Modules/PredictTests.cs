using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;

namespace LogiLlm.Core.Tests.Modules;

public class PredictTests
{
    private static (Predict Module, ScriptedChatClient Client) Classifier(string signature = "email: str -> category: str")
    {
        var client = new ScriptedChatClient();
        var module = new Predict(signature)
        {
            Provider = new Provider("scripted", "test-model-1", client),
            ProviderRegistry = new ProviderRegistry(registerBuiltIns: false),
        };
        return (module, client);
    }

    [Fact]
    public async Task InvokeAsync_sends_config_as_chat_options_and_returns_typed_outputs_with_usage()
    {
        var (module, client) = Classifier("email: str -> category: Literal['refund', 'other'], confidence: float");
        module.Config["temperature"] = 0.3;
        module.Config["top_p"] = 0.9;
        module.Config["max_tokens"] = 150;
        module.Config["stop"] = new JsonArray("###");
        module.Config["seed"] = 11;
        client.Enqueue("[[ ## category ## ]]\nrefund\n\n[[ ## confidence ## ]]\n0.92\n\n[[ ## completed ## ]]");

        var result = await module.InvokeAsync(new { email = "Please refund my order" });

        Assert.True(result.Success, result.Error);
        Assert.Equal("refund", result.Outputs["category"]);
        Assert.Equal(0.92, result.Get<double>("confidence"));
        var options = client.LastRequest.Options!;
        Assert.Equal(0.3f, options.Temperature);
        Assert.Equal(0.9f, options.TopP);
        Assert.Equal(150, options.MaxOutputTokens);
        Assert.Equal(["###"], options.StopSequences!);
        Assert.Equal(11L, options.Seed);
        Assert.Equal("test-model-1", options.ModelId);
        Assert.Equal("test-model-1", result.ModelId);
        Assert.Equal(MockChatClient.CountWords(client.LastRequest.AllText), result.Usage.InputTokens);
        Assert.Equal(6, result.Usage.OutputTokens);
        Assert.Contains("refund", result.RawCompletion);
        Assert.Contains("Please refund my order", client.LastRequest.LastUserText);
    }

    [Fact]
    public async Task Request_contains_the_demos_chosen_by_the_selection_strategy_and_no_more_than_MaxDemos()
    {
        var (module, client) = Classifier();
        module.DemoManager.MaxDemos = 2;
        module.DemoManager.SelectionStrategy = DemoSelectionStrategy.Best;
        module.DemoManager.Add(Demo.Create(new { email = "low scored demo" }, new { category = "c1" }, 0.2));
        module.DemoManager.Add(Demo.Create(new { email = "best demo" }, new { category = "c2" }, 0.99));
        module.DemoManager.Add(Demo.Create(new { email = "second best demo" }, new { category = "c3" }, 0.8));
        client.Otherwise("other");

        await module.InvokeAsync(new { email = "hello" });

        var messages = client.LastRequest.Messages;
        Assert.Equal(6, messages.Count);
        Assert.Contains("best demo", messages[1].Text);
        Assert.Contains("c2", messages[2].Text);
        Assert.Equal(ChatRole.Assistant, messages[2].Role);
        Assert.Contains("second best demo", messages[3].Text);
        Assert.DoesNotContain(messages, m => m.Text.Contains("low scored demo"));

        module.DemoManager.SelectionStrategy = DemoSelectionStrategy.First;
        await module.InvokeAsync(new { email = "hello" });
        Assert.Contains("low scored demo", client.LastRequest.Messages[1].Text);
    }

    [Fact]
    public async Task Missing_required_inputs_throw_an_ArgumentException_naming_them_before_any_call()
    {
        var (module, client) = Classifier("email: str, tags: list[str], note: Optional[str] -> category");

        var e = await Assert.ThrowsAsync<ModuleInputException>(() => module.InvokeAsync(new { other = 1 }));

        Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Equal(["email", "tags"], e.MissingFields);
        Assert.Contains("'email'", e.Message);
        Assert.Contains("'tags'", e.Message);
        Assert.DoesNotContain("'note'", e.Message);
        Assert.Empty(client.Requests);
    }

    [Fact]
    public async Task Input_values_that_do_not_fit_their_type_throw_naming_field_and_type()
    {
        var (module, client) = Classifier("count: int, tags: list[str] -> answer");

        var e = await Assert.ThrowsAsync<ModuleInputException>(() => module.InvokeAsync(new { count = "many", tags = new[] { "a" } }));

        Assert.True(e.InvalidFields.ContainsKey("count"));
        Assert.Contains("expects int", e.Message);
        Assert.Empty(client.Requests);
    }

    [Fact]
    public async Task An_output_that_cannot_be_coerced_gives_a_failed_prediction_naming_field_and_type()
    {
        var (module, client) = Classifier("email -> category: str, confidence: float");
        client.Enqueue("[[ ## category ## ]]\nbilling\n\n[[ ## confidence ## ]]\nvery high\n\n[[ ## completed ## ]]");
        // The JSON retry (DSPy's ChatAdapter -> JSONAdapter fallback) gets the same value.
        client.Enqueue("""{"category": "billing", "confidence": "very high"}""");

        var result = await module.InvokeAsync(new { email = "x" });

        Assert.False(result.Success);
        Assert.Empty(result.Outputs);
        Assert.Equal("confidence", result.ErrorField);
        Assert.Contains("'confidence'", result.Error);
        Assert.Contains("float", result.Error);
        Assert.Contains("very high", result.RawCompletion);
        Assert.True(result.Usage.OutputTokens > 0);
        Assert.Throws<KeyNotFoundException>(() => result.Get("category"));
    }

    [Fact]
    public async Task Inputs_can_be_a_dictionary_a_json_object_or_a_poco_with_pascal_case_names()
    {
        var (module, client) = Classifier("customer_email: str, tags: list[str] -> category");
        client.Otherwise("ok");

        await module.InvokeAsync(new Dictionary<string, object?> { ["customer_email"] = "d1", ["tags"] = new List<string> { "t" } });
        Assert.Contains("d1", client.LastRequest.LastUserText);
        await module.InvokeAsync(new JsonObject { ["customer_email"] = "j1", ["tags"] = new JsonArray("t") });
        Assert.Contains("j1", client.LastRequest.LastUserText);
        await module.InvokeAsync(new Ticket { CustomerEmail = "p1", Tags = ["x", "y"] });
        Assert.Contains("p1", client.LastRequest.LastUserText);
        Assert.Contains("[\"x\",\"y\"]", client.LastRequest.LastUserText);
    }

    [Fact]
    public async Task A_cancelled_token_stops_before_the_call_and_cancelling_during_the_call_propagates()
    {
        var (module, client) = Classifier();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => module.InvokeAsync(new { email = "x" }, cancelled.Token));
        Assert.Empty(client.Requests);

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Enqueue(async (_, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        });
        using var cts = new CancellationTokenSource();
        var call = module.InvokeAsync(new { email = "x" }, cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Without_a_provider_invocation_throws_InvalidOperationException_with_guidance()
    {
        var module = new Predict("q -> a") { ProviderRegistry = new ProviderRegistry(registerBuiltIns: false) };

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => module.InvokeAsync(new { q = "x" }));

        Assert.Contains("provider", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("RegisterProvider", e.Message);
    }

    [Fact]
    public async Task The_registry_default_provider_is_used_when_the_module_has_none()
    {
        var registry = new ProviderRegistry(registerBuiltIns: false);
        var client = new ScriptedChatClient().Otherwise("from default");
        registry.RegisterProvider(new Provider("scripted", "default-model", client), setDefault: true);
        var module = new Predict("q -> a") { ProviderRegistry = registry };

        var result = await module.InvokeAsync(new { q = "x" });

        Assert.Equal("from default", result.Outputs["a"]);
        Assert.Equal("default-model", client.LastRequest.Options!.ModelId);
    }

    [Fact]
    public async Task Json_adapter_requests_a_json_schema_response_format()
    {
        var (module, client) = Classifier("email -> category: Literal['a', 'b']");
        module.Adapter = new JsonAdapter();
        client.Enqueue("{\"category\": \"b\"}");

        var result = await module.InvokeAsync(new { email = "x" });

        Assert.Equal("b", result.Outputs["category"]);
        var format = Assert.IsType<ChatResponseFormatJson>(client.LastRequest.Options!.ResponseFormat);
        Assert.Contains("\"enum\"", format.Schema!.Value.GetRawText());
    }

    [Fact]
    public async Task Callbacks_see_start_and_end_of_each_invocation_including_failures()
    {
        var (module, client) = Classifier();
        var events = new List<string>();
        string? startId = null;
        module.Callbacks.Add(new DelegateModuleCallback(
            s => { startId = s.CallId; events.Add($"start:{s.Inputs["email"]}"); },
            e => events.Add(e.CallId == startId ? $"end:{e.Prediction?.Outputs["category"] ?? e.Exception!.GetType().Name}" : "mismatch")));
        client.Enqueue("cat").Enqueue(new HttpRequestException("down"));

        await module.InvokeAsync(new { email = "m1" });
        await Assert.ThrowsAsync<HttpRequestException>(() => module.InvokeAsync(new { email = "m2" }));

        Assert.Equal(["start:m1", "end:cat", "start:m2", "end:HttpRequestException"], events);
    }

    [Fact]
    public async Task Concurrent_invocations_on_one_instance_get_their_own_answers()
    {
        var (module, client) = Classifier("n: int -> double_n: int");
        client.When(_ => true, r => (2 * long.Parse(r.LastUserText.Split('\n')[1].Trim())).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var results = await Task.WhenAll(Enumerable.Range(0, 25).Select(i => module.InvokeAsync(new { n = i })));

        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)(2 * i)), results.Select(r => (long)r.Outputs["double_n"]!));
    }

    [Fact]
    public void Clone_is_deep_for_settings_demos_metadata_and_children()
    {
        var (module, _) = Classifier();
        module.Config.Temperature = 0.5;
        module.Metadata["tag"] = "v1";
        module.DemoManager.Add(Demo.Create(new { email = "e" }, new { category = "c" }));
        module.State = ModuleState.Optimized;
        module.AddChild("inner", new Predict("a -> b"));

        var clone = (Predict)module.Clone();
        clone.Config.Temperature = 0.9;
        clone.Metadata["tag"] = "v2";
        clone.DemoManager.Clear();
        clone.Children["inner"].Config["x"] = 1;

        Assert.Equal(0.5, module.Config.Temperature);
        Assert.Equal("v1", module.Metadata["tag"]!.GetValue<string>());
        Assert.Single(module.DemoManager.Demos);
        Assert.False(module.Children["inner"].Config.ContainsKey("x"));
        Assert.Equal(ModuleState.Optimized, clone.State);
        Assert.Same(module.Provider, clone.Provider);
        Assert.Equal(module.Signature, clone.Signature);
    }

    [Fact]
    public void RenderPrompt_shows_the_messages_an_invocation_would_send()
    {
        var (module, _) = Classifier();
        module.Signature = module.Signature!.WithInstructions("Classify customer emails");

        var messages = module.RenderPrompt(new { email = "Où est mon colis ?" });

        Assert.Contains("Classify customer emails", messages[0].Text);
        Assert.Contains("Où est mon colis ?", messages[^1].Text);
    }

    [Fact]
    public void BuildChatOptions_shows_the_options_an_invocation_would_send()
    {
        var (module, _) = Classifier("email -> category: Literal['a', 'b']");
        module.Config.Temperature = 0.1;
        module.Config.MaxTokens = 20;
        module.Adapter = new JsonAdapter();

        var options = module.BuildChatOptions();

        Assert.Equal(0.1f, options.Temperature);
        Assert.Equal(20, options.MaxOutputTokens);
        Assert.Equal("test-model-1", options.ModelId);
        Assert.IsType<ChatResponseFormatJson>(options.ResponseFormat);
    }

    [Fact]
    public void Children_names_are_unique_and_a_module_cannot_contain_itself()
    {
        var parent = new Predict("a -> b");
        parent.AddChild("x", new Predict("c -> d"));

        Assert.Throws<ArgumentException>(() => parent.AddChild("x", new Predict("c -> d")));
        Assert.Throws<ArgumentException>(() => parent.AddChild("self", parent));
        Assert.True(parent.RemoveChild("x"));
        Assert.Empty(parent.Children);
    }

    public sealed class Ticket
    {
        public string CustomerEmail { get; set; } = "";

        public List<string> Tags { get; set; } = [];
    }
}
