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

    private async Task<int> ImportAsync(string name, string fixture, CancellationToken cancellationToken, Action<JsonNode>? edit = null)
    {
        using var trainer = _services.CreateTrainerClient();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(SharedPaths.Fixture(fixture), cancellationToken))!;
        edit?.Invoke(document);
        var body = document.ToJsonString();
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
    public async Task A_published_module_is_shared_through_redis_by_content_digest_with_a_time_to_live()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        using var trainer = _services.CreateTrainerClient();
        await ImportAsync("kept", "optimized.json", cts.Token);

        await PredictOkAsync(inference, "kept", "Where is my order?", cts.Token);

        var sha = (string)(await trainer.GetFromJsonAsync<JsonObject>("/api/modules/kept/versions", cts.Token))!["versions"]![0]!["sha256"]!;
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_services.Redis.ConnectionString);
        var db = redis.GetDatabase();
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        // The cache writes Redis in the background (keys carry the cache name and its wire-format prefix).
        RedisKey? documentKey, pointerKey;
        while ((documentKey = server.Keys(pattern: $"*logillm-modules:doc:{sha}").Cast<RedisKey?>().FirstOrDefault()) is null
            | (pointerKey = server.Keys(pattern: "*logillm-modules:ref:kept@latest").Cast<RedisKey?>().FirstOrDefault()) is null)
        {
            await Task.Delay(50, cts.Token);
        }

        var document = await db.HashGetAsync(documentKey!.Value, "data");
        var pointer = await db.HashGetAsync(pointerKey!.Value, "data");
        Assert.Contains("demo_manager", document.ToString(), StringComparison.Ordinal);
        Assert.Contains(sha, pointer.ToString(), StringComparison.Ordinal);
        Assert.NotNull(await db.KeyTimeToLiveAsync(documentKey.Value));
        Assert.NotNull(await db.KeyTimeToLiveAsync(pointerKey.Value));
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

    [Fact]
    public async Task Describe_reports_signature_demos_config_and_the_provider_mismatch()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("described", "optimized.json", cts.Token);
        await ImportAsync("foreign", "provider.json", cts.Token, doc =>
        {
            doc["provider_config"]!["name"] = "openai";
            doc["provider_config"]!["model"] = "gpt-4o-mini";
        });

        var described = await inference.GetFromJsonAsync<JsonObject>("/api/modules/described", cts.Token);
        var foreign = await inference.GetFromJsonAsync<JsonObject>("/api/modules/foreign@1", cts.Token);

        Assert.Equal("email: str -> category: str", (string?)described!["signature"]);
        Assert.Equal("Classify customer emails by category", (string?)described["instructions"]);
        Assert.Equal(5, (int)described["demoCount"]!);
        Assert.Equal(0.3, (double)described["config"]!["temperature"]!);
        Assert.Equal("mock", (string?)described["servingProvider"]!["name"]);
        Assert.Null(described["providerMismatch"]);
        Assert.Equal("openai", (string?)foreign!["savedProvider"]!["name"]);
        Assert.Contains("gpt-4o-mini", (string?)foreign["providerMismatch"]);
    }

    [Fact]
    public async Task The_prompt_export_shows_instructions_demos_and_input_placeholders()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("prompted", "optimized.json", cts.Token);

        var template = await inference.GetFromJsonAsync<JsonObject>("/api/modules/prompted/prompt", cts.Token);
        using var rendered = await inference.PostAsJsonAsync("/api/modules/prompted/prompt", new { inputs = new { email = "Où est ma commande ?" } }, cts.Token);

        var messages = template!["messages"]!.AsArray();
        Assert.Equal("system", (string?)messages[0]!["role"]);
        Assert.Contains("Classify customer emails by category", (string?)messages[0]!["content"]);
        Assert.Equal(1 + (5 * 2) + 1, messages.Count);
        Assert.Contains("{email}", (string?)messages[^1]!["content"]);
        Assert.Equal(0.3, (double)template["options"]!["temperature"]!);
        var renderedMessages = (await rendered.Content.ReadFromJsonAsync<JsonObject>(cts.Token))!["messages"]!.AsArray();
        Assert.Contains("Où est ma commande ?", (string?)renderedMessages[^1]!["content"]);
    }

    [Fact]
    public async Task A_batch_answers_every_item_in_order_and_names_the_bad_item()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("batched", "optimized.json", cts.Token);

        using var ok = await inference.PostAsJsonAsync("/api/modules/batched/predict-batch", new
        {
            items = new[]
            {
                new { inputs = new { email = "Please cancel my account" } },
                new { inputs = new { email = "Where is my order?" } },
                new { inputs = new { email = "This product is amazing!" } },
            },
        }, cts.Token);
        using var bad = await inference.PostAsJsonAsync("/api/modules/batched/predict-batch", new
        {
            items = new object[] { new { inputs = new { email = "fine" } }, new { inputs = new { mail = "typo" } } },
        }, cts.Token);

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var results = (await ok.Content.ReadFromJsonAsync<JsonObject>(cts.Token))!["results"]!.AsArray();
        Assert.Equal(["cancellation", "order_status", "feedback"], results.Select(r => (string?)r!["outputs"]!["category"]));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = JsonNode.Parse(await bad.Content.ReadAsStringAsync(cts.Token))!;
        Assert.NotNull(problem["errors"]!["items[1].inputs.email"]);
    }

    [Fact]
    public async Task Predictions_of_a_temperature_zero_module_are_cached_in_redis()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("deterministic", "optimized.json", cts.Token, doc => doc["config"]!["temperature"] = 0.0);
        await ImportAsync("creative", "optimized.json", cts.Token);

        var first = await PredictOkAsync(inference, "deterministic", "Where is my order?", cts.Token);
        var second = await PredictOkAsync(inference, "deterministic", "Where is my order?", cts.Token);
        var other = await PredictOkAsync(inference, "deterministic", "I want my money back", cts.Token);
        var creative1 = await PredictOkAsync(inference, "creative", "Where is my order?", cts.Token);
        var creative2 = await PredictOkAsync(inference, "creative", "Where is my order?", cts.Token);

        Assert.False((bool)first["cached"]!);
        Assert.True((bool)second["cached"]!);
        Assert.Equal((string?)first["outputs"]!["category"], (string?)second["outputs"]!["category"]);
        Assert.False((bool)other["cached"]!);
        Assert.False((bool)creative1["cached"]!);
        Assert.False((bool)creative2["cached"]!);
    }

    [Fact]
    public async Task A_deterministic_answer_is_shared_through_redis_under_the_response_prefix_with_a_time_to_live()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        await ImportAsync("shared-answers", "optimized.json", cts.Token, doc => doc["config"]!["temperature"] = 0.0);

        var answer = await PredictOkAsync(inference, "shared-answers", "Where is my order?", cts.Token);

        Assert.False((bool)answer["cached"]!);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_services.Redis.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        RedisKey? key;
        while ((key = server.Keys(pattern: "logillm:response:*").Cast<RedisKey?>().FirstOrDefault()) is null)
        {
            await Task.Delay(50, cts.Token);
        }

        Assert.NotNull(await redis.GetDatabase().KeyTimeToLiveAsync(key.Value));
    }

    [Fact]
    public async Task Health_is_degraded_not_dead_while_redis_is_down()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = _services.CreateInferenceClient();
        Assert.Equal("Healthy", await inference.GetStringAsync("/health", cts.Token));

        _services.Redis.Dispose();

        using var health = await inference.GetAsync("/health", cts.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync(cts.Token));
        Assert.Equal("Healthy", await inference.GetStringAsync("/alive", cts.Token));
    }
}
