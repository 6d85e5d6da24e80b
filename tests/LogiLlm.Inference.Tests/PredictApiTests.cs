using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace LogiLlm.Inference.Tests;

public sealed class PredictApiTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly ServicePair _services = new();

    public void Dispose() => _services.Dispose();

    private async Task<int> ImportAsync(string name, string fixture, CancellationToken cancellationToken)
    {
        using var trainer = _services.CreateTrainerClient();
        var body = await File.ReadAllTextAsync(SharedPaths.Fixture(fixture), cancellationToken);
        using var response = await trainer.PostAsync($"/api/modules/{name}/versions", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (int)(await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["version"]!;
    }

    private static async Task<JsonNode> PredictOkAsync(HttpClient inference, string reference, string email, CancellationToken cancellationToken)
    {
        using var response = await inference.PostAsJsonAsync($"/api/modules/{reference}/predict", new { inputs = new { email } }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task Predict_resolves_latest_exact_versions_and_aliases_through_the_trainer()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("emails", "optimized.json", cts.Token);

        var latest = await PredictOkAsync(inference, "emails", "My package never arrived", cts.Token);
        var exact = await PredictOkAsync(inference, "emails@1", "Please cancel my account", cts.Token);
        var alias = await PredictOkAsync(inference, "emails@latest", "I want my money back", cts.Token);

        Assert.Equal("order_status", (string?)latest["outputs"]!["category"]);
        Assert.Equal("cancellation", (string?)exact["outputs"]!["category"]);
        Assert.Equal("refund_request", (string?)alias["outputs"]!["category"]);
        Assert.All(new[] { latest, exact, alias }, answer => Assert.Equal(1, (int)answer["version"]!));
    }

    [Fact]
    public async Task The_loaded_module_state_is_kept_in_redis()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("kept", "optimized.json", cts.Token);

        await PredictOkAsync(inference, "kept", "Where is my order?", cts.Token);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(_services.Redis.ConnectionString);
        var document = await redis.GetDatabase().StringGetAsync("logillm:module:kept:1");
        var alias = await redis.GetDatabase().StringGetAsync("logillm:alias:kept:latest");
        Assert.True(document.HasValue);
        Assert.Equal(5, JsonNode.Parse(document.ToString())!["demo_manager"]!["demos"]!.AsArray().Count);
        Assert.Equal("1", alias.ToString());
    }

    [Fact]
    public async Task Loaded_modules_keep_being_served_when_the_trainer_and_redis_are_down()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("resilient", "optimized.json", cts.Token);
        await PredictOkAsync(inference, "resilient", "Where is my order?", cts.Token);

        _services.TrainerReachable = false;
        _services.Redis.Dispose();

        var answer = await PredictOkAsync(inference, "resilient", "This product is amazing!", cts.Token);
        Assert.Equal("feedback", (string?)answer["outputs"]!["category"]);

        using var uncached = await inference.PostAsJsonAsync("/api/modules/never-loaded/predict", new { inputs = new { email = "hi" } }, cts.Token);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, uncached.StatusCode);
        Assert.Equal("application/problem+json", uncached.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Bad_requests_get_problem_details_naming_what_is_wrong()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("strict", "basic.json", cts.Token);

        using var unknown = await inference.PostAsJsonAsync("/api/modules/unknown/predict", new { inputs = new { email = "x" } }, cts.Token);
        using var unknownVersion = await inference.PostAsJsonAsync("/api/modules/strict@7/predict", new { inputs = new { email = "x" } }, cts.Token);
        using var badRef = await inference.PostAsJsonAsync("/api/modules/strict@/predict", new { inputs = new { email = "x" } }, cts.Token);
        using var noInputs = await inference.PostAsJsonAsync("/api/modules/strict/predict", new { }, cts.Token);
        using var missing = await inference.PostAsJsonAsync("/api/modules/strict/predict", new { inputs = new { mail = "x" } }, cts.Token);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownVersion.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRef.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noInputs.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var problem = JsonNode.Parse(await missing.Content.ReadAsStringAsync(cts.Token))!;
        Assert.Contains("email", problem["errors"]!["inputs.email"]![0]!.ToString());
        Assert.DoesNotContain("   at ", await unknown.Content.ReadAsStringAsync(cts.Token));
    }
}
