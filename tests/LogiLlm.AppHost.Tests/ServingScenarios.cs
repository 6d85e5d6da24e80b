using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace LogiLlm.AppHost.Tests;

/// <summary>The walking skeleton end to end: import a saved module into the trainer, predict through inference.</summary>
public abstract class ServingScenarios(AppHostFixture fixture)
{
    private static readonly TimeSpan Timeout = AppHostFixture.RequestTimeout;

    protected DistributedApplication App => fixture.App;

    [Fact]
    public async Task Imported_python_module_is_served_by_inference_and_its_state_is_kept_in_redis()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = $"email-classifier-{Guid.NewGuid():n}"[..30];
        using var trainer = App.CreateHttpClient("trainer");
        using var inference = App.CreateHttpClient("inference");

        var document = await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cts.Token);
        using var import = await trainer.PostAsync(
            $"/api/modules/{name}/versions", new StringContent(document, Encoding.UTF8, "application/json"), cts.Token);
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
        var imported = await import.Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        Assert.Equal(name, (string?)imported!["name"]);
        Assert.Equal(1, (int?)imported["version"]);

        using var predict = await inference.PostAsJsonAsync(
            $"/api/modules/{name}/predict", new { inputs = new { email = "Where is my order?" } }, cts.Token);
        var body = await predict.Content.ReadAsStringAsync(cts.Token);
        Assert.True(predict.StatusCode == HttpStatusCode.OK, body);
        var answer = JsonNode.Parse(body)!;
        Assert.Equal("order_status", (string?)answer["outputs"]!["category"]);
        Assert.Equal(name, (string?)answer["module"]);
        Assert.Equal(1, (int?)answer["version"]);

        // The module state the inference service loaded is now shared through the cache.
        var connectionString = await App.GetConnectionStringAsync("cache", cts.Token);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString!);
        // Shared by content digest in the module cache (written in the background; the key carries the cache's prefixes).
        var sha = (string)imported["sha256"]!;
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        RedisKey? key;
        while ((key = server.Keys(pattern: $"*logillm-modules:doc:{sha}").Cast<RedisKey?>().FirstOrDefault()) is null)
        {
            await Task.Delay(100, cts.Token);
        }

        var cached = (await redis.GetDatabase().HashGetAsync(key.Value, "data")).ToString();
        Assert.Contains("Classify customer emails by category", cached, StringComparison.Ordinal);
        Assert.Contains("demo_manager", cached, StringComparison.Ordinal);
        Assert.NotNull(await redis.GetDatabase().KeyTimeToLiveAsync(key.Value));
    }

    [Theory]
    [InlineData("this is not json")]
    [InlineData("{\"module_type\": \"Predict\"")]
    [InlineData("{\"module_type\": 42, \"signature\": []}")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{\"module_type\": \"System.Diagnostics.Process\", \"signature\": {\"input_fields\": {}, \"output_fields\": {}}}")]
    public async Task Import_of_a_bad_module_file_is_refused_with_problem_details_and_nothing_is_written(string body)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = $"bad-{Guid.NewGuid():n}";
        using var trainer = App.CreateHttpClient("trainer");

        using var response = await trainer.PostAsync(
            $"/api/modules/{name}/versions", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem!["detail"]));

        using var versions = await trainer.GetAsync($"/api/modules/{name}/versions", cts.Token);
        Assert.Equal(HttpStatusCode.NotFound, versions.StatusCode);
        var modules = await trainer.GetFromJsonAsync<JsonArray>("/api/modules", cts.Token);
        Assert.DoesNotContain(modules!, m => (string?)m!["name"] == name);
    }

    [Fact]
    public async Task Predict_with_an_unknown_module_is_404_and_with_missing_inputs_is_400_naming_the_field()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = App.CreateHttpClient("trainer");
        using var inference = App.CreateHttpClient("inference");

        using var unknown = await inference.PostAsJsonAsync(
            $"/api/modules/no-such-module-{Guid.NewGuid():n}/predict", new { inputs = new { email = "hi" } }, cts.Token);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);

        var name = $"basic-{Guid.NewGuid():n}";
        var document = await File.ReadAllTextAsync(SharedPaths.Fixture("basic.json"), cts.Token);
        using var import = await trainer.PostAsync(
            $"/api/modules/{name}/versions", new StringContent(document, Encoding.UTF8, "application/json"), cts.Token);
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);

        using var missing = await inference.PostAsJsonAsync(
            $"/api/modules/{name}/predict", new { inputs = new { subject = "no email field" } }, cts.Token);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var problem = JsonNode.Parse(await missing.Content.ReadAsStringAsync(cts.Token))!;
        Assert.NotNull(problem["errors"]!["inputs.email"]);
    }
}

[Collection(RedisAppCollection.Name)]
public sealed class ServingOnRedisServer(RedisAppFixture fixture) : ServingScenarios(fixture);

[Collection(GarnetAppCollection.Name)]
public sealed class ServingOnGarnet(GarnetAppFixture fixture) : ServingScenarios(fixture);
