using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace LogiLlm.Inference.Tests;

/// <summary>What an attacker sends to the public predict API: no hang, no 500, no provider text in the answer.</summary>
public sealed class HostileInputTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static async Task ImportEmailsAsync(ServicePair services, string name, CancellationToken cancellationToken)
    {
        using var trainer = services.CreateTrainerClient();
        var body = await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cancellationToken);
        using var response = await trainer.PostAsync($"/api/modules/{name}/versions", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["traceId"]));
        return problem;
    }

    public static TheoryData<string> BacktrackingInputs => new()
    {
        // ~70 s (4,000 spaces) and over 2 minutes (8,000) in PromptReader's chat-marker regex before it was linear.
        "[[##" + new string(' ', 8000) + "x",
        "[[ ## " + string.Concat(Enumerable.Repeat("a ", 4000)) + "#",
        string.Concat(Enumerable.Repeat("<email>", 3000)) + "x",
        "## " + new string(' ', 8000) + "x\n" + string.Concat(Enumerable.Repeat("**a", 2000)),
    };

    [Theory]
    [MemberData(nameof(BacktrackingInputs))]
    public async Task Predict_with_the_local_model_answers_inputs_that_made_a_regex_backtrack(string email)
    {
        using var services = new ServicePair(inference: ServiceSetup.Setting("Llm:Provider", "local"));
        using var cts = new CancellationTokenSource(Timeout);
        await ImportEmailsAsync(services, "emails", cts.Token);
        using var inference = services.CreateInferenceClient();

        using var response = await inference.PostAsJsonAsync("/api/modules/emails/predict", new { inputs = new { email } }, cts.Token);

        var body = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        Assert.NotNull(JsonNode.Parse(body)!["outputs"]!["category"]);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"inputs\": {\"email\": ")]
    [InlineData("[1, 2")]
    [InlineData("{\"inputs\": {\"email\": \"x\"}}}")]
    public async Task A_predict_body_that_is_not_json_is_a_400_problem_naming_the_parse_error(string body)
    {
        using var services = new ServicePair();
        using var cts = new CancellationTokenSource(Timeout);
        await ImportEmailsAsync(services, "emails", cts.Token);
        using var inference = services.CreateInferenceClient();

        using var response = await inference.PostAsync("/api/modules/emails/predict", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, cts.Token);
        Assert.Equal("The request body is not valid JSON", (string?)problem["title"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
    }

    [Theory]
    [InlineData("predict", "Inference:MaxRequestBodyBytes")]
    [InlineData("prompt", "Inference:MaxRequestBodyBytes")]
    [InlineData("predict-batch", "Inference:MaxBatchRequestBodyBytes")]
    public async Task A_body_over_the_inference_limit_is_a_413_naming_the_limit_and_its_setting(string endpoint, string setting)
    {
        using var services = new ServicePair(inference: new(new Dictionary<string, string>
        {
            ["Inference:MaxRequestBodyBytes"] = "2048",
            ["Inference:MaxBatchRequestBodyBytes"] = "4096",
        }));
        using var cts = new CancellationTokenSource(Timeout);
        await ImportEmailsAsync(services, "emails", cts.Token);
        using var inference = services.CreateInferenceClient();
        var email = new string('a', 8192);
        object body = endpoint == "predict-batch" ? new { items = new[] { new { inputs = new { email } } } } : new { inputs = new { email } };

        using var response = await inference.PostAsJsonAsync($"/api/modules/emails/{endpoint}", body, cts.Token);

        var problem = await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, cts.Token);
        Assert.Equal(setting, (string?)problem["setting"]);
        Assert.Contains(setting, (string?)problem["detail"]);
    }

    [Theory]
    [InlineData(401, false, HttpStatusCode.BadGateway)]
    [InlineData(503, true, HttpStatusCode.ServiceUnavailable)]
    public async Task A_provider_failure_is_a_generic_problem_and_the_providers_text_goes_only_to_the_log(int providerStatus, bool transient, HttpStatusCode expected)
    {
        const string upstream = "Incorrect API key provided: sk-proj-****wxyz. Organization org-SECRETORG, project proj_SECRETPROJ.";
        using var services = new ServicePair(inference: new(Services: s =>
        {
            s.AddSingleton(new Provider("openai", "gpt-4o-mini", new FailingChatClient(new ProviderException(upstream, "openai", providerStatus, transient))));
            s.AddFakeLogging();
        }));
        using var cts = new CancellationTokenSource(Timeout);
        await ImportEmailsAsync(services, "emails", cts.Token);
        using var inference = services.CreateInferenceClient();

        using var single = await inference.PostAsJsonAsync("/api/modules/emails/predict", new { inputs = new { email = "Where is my order?" } }, cts.Token);
        using var batch = await inference.PostAsJsonAsync("/api/modules/emails/predict-batch", new { items = new[] { new { inputs = new { email = "Where is my order?" } } } }, cts.Token);

        var problem = await ProblemAsync(single, expected, cts.Token);
        var answers = problem.ToJsonString() + await batch.Content.ReadAsStringAsync(cts.Token);
        foreach (var leaked in new[] { "sk-proj", "SECRETORG", "SECRETPROJ", "Incorrect API key" })
        {
            Assert.DoesNotContain(leaked, answers);
        }

        var logged = services.InferenceServices.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logged, record => record.Exception is ProviderException { Message: upstream });
    }

    private sealed class FailingChatClient(Exception failure) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromException<ChatResponse>(failure);

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw failure;

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
