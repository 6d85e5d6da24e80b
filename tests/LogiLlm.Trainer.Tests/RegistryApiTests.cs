using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Registry;
using LogiLlm.Tests.Shared;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Tests;

public sealed class RegistryApiTests(TrainerFactory factory) : IClassFixture<TrainerFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Fixture(string name) => File.ReadAllText(SharedPaths.Fixture(name));

    [Fact]
    public async Task Imports_make_immutable_numbered_versions_and_latest_follows_the_newest()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = factory.CreateClient();
        var name = $"m-{Guid.NewGuid():n}";

        using var first = await client.PostAsync($"/api/modules/{name}/versions", Json(Fixture("basic.json")), cts.Token);
        using var second = await client.PostAsync($"/api/modules/{name}/versions", Json(Fixture("optimized.json")), cts.Token);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal($"/api/modules/{name}/versions/2", second.Headers.Location?.OriginalString);
        var versions = await client.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions", cts.Token);
        Assert.Equal([1, 2], versions!["versions"]!.AsArray().Select(v => (int)v!["version"]!));
        Assert.Equal(2, (int)versions["aliases"]!["latest"]!);

        using var latest = await client.GetAsync($"/api/modules/{name}/versions/latest", cts.Token);
        Assert.Equal("2", latest.Headers.GetValues("X-Module-Version").Single());
        var latestDocument = JsonNode.Parse(await latest.Content.ReadAsStringAsync(cts.Token))!;
        Assert.Equal("Classify customer emails by category", (string?)latestDocument["signature"]!["instructions"]);

        using var v1 = await client.GetAsync($"/api/modules/{name}/versions/1", cts.Token);
        var v1Document = JsonNode.Parse(await v1.Content.ReadAsStringAsync(cts.Token))!;
        Assert.Null((string?)v1Document["signature"]!["instructions"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json at all")]
    [InlineData("{\"module_type\": \"Predict\",")]
    [InlineData("{\"module_type\": \"Predict\", \"signature\": \"email -> category\"}")]
    [InlineData("{\"module_type\": \"Predict\", \"module_class\": \"System.IO.File\", \"signature\": {\"input_fields\": {\"a\": {\"python_type\": \"str\"}}, \"output_fields\": {}}, \"state\": 7}")]
    [InlineData("{\"module_type\": \"System.Diagnostics.Process\", \"signature\": {\"input_fields\": {}, \"output_fields\": {}}}")]
    public async Task A_bad_module_file_gets_400_problem_details_and_nothing_is_written(string body)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = factory.CreateClient();
        var name = $"bad-{Guid.NewGuid():n}";

        using var response = await client.PostAsync($"/api/modules/{name}/versions", Json(body), cts.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        Assert.Equal("Invalid module file", (string?)problem!["title"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]));
        Assert.False(Directory.Exists(Path.Combine(factory.RegistryPath, name)), "A refused import wrote to the registry.");
        using var versions = await client.GetAsync($"/api/modules/{name}/versions", cts.Token);
        Assert.Equal(HttpStatusCode.NotFound, versions.StatusCode);
    }

    [Theory]
    [InlineData(".hidden")]
    [InlineData("-leading-dash")]
    [InlineData("has space")]
    public async Task An_invalid_module_name_is_refused(string name)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = factory.CreateClient();

        using var response = await client.PostAsync($"/api/modules/{Uri.EscapeDataString(name)}/versions", Json(Fixture("basic.json")), cts.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_alias_points_at_an_existing_version_and_a_missing_version_is_404()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = factory.CreateClient();
        var name = $"alias-{Guid.NewGuid():n}";
        (await client.PostAsync($"/api/modules/{name}/versions", Json(Fixture("basic.json")), cts.Token)).Dispose();
        (await client.PostAsync($"/api/modules/{name}/versions", Json(Fixture("optimized.json")), cts.Token)).Dispose();

        using var promote = await client.PutAsJsonAsync($"/api/modules/{name}/aliases/production", new { version = 1 }, cts.Token);
        using var missing = await client.PutAsJsonAsync($"/api/modules/{name}/aliases/production", new { version = 9 }, cts.Token);
        using var invalid = await client.PutAsJsonAsync($"/api/modules/{name}/aliases/production", new { }, cts.Token);

        Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        using var production = await client.GetAsync($"/api/modules/{name}/versions/production", cts.Token);
        Assert.Equal("1", production.Headers.GetValues("X-Module-Version").Single());
    }

    [Fact]
    public async Task An_import_is_announced_on_redis_for_inference_replicas()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = factory.CreateClient();
        var name = $"announce-{Guid.NewGuid():n}";
        await using var redis = await ConnectionMultiplexer.ConnectAsync(factory.Redis.ConnectionString);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(ModuleChange.Channel), (_, message) => received.TrySetResult(message.ToString()));

        using var response = await client.PostAsync($"/api/modules/{name}/versions", Json(Fixture("basic.json")), cts.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var change = JsonNode.Parse(await received.Task.WaitAsync(cts.Token))!;
        Assert.Equal(name, (string?)change["name"]);
        Assert.Equal(1, (int)change["version"]!);
        Assert.Equal("latest", (string?)change["aliases"]![0]);
    }

    [Fact]
    public async Task An_imported_file_is_stored_without_the_credentials_it_carried()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = factory.CreateClient();
        var name = $"secret-{Guid.NewGuid():n}";
        var document = JsonNode.Parse(Fixture("provider.json"))!;
        document["provider_config"]!["config"] = new JsonObject
        {
            ["temperature"] = 0.2,
            ["api_key"] = "sk-import-secret-0001",
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer import-token-0002" },
            ["password"] = "hunter2-import-0003",
        };

        using var response = await client.PostAsync($"/api/modules/{name}/versions", Json(document.ToJsonString()), cts.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await client.GetStringAsync($"/api/modules/{name}/versions/1", cts.Token);
        var onDisk = string.Concat(Directory.EnumerateFiles(factory.RegistryPath, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        foreach (var secret in new[] { "sk-import-secret-0001", "import-token-0002", "hunter2-import-0003" })
        {
            Assert.DoesNotContain(secret, stored);
            Assert.DoesNotContain(secret, onDisk);
        }

        var provider = JsonNode.Parse(stored)!["provider_config"]!;
        Assert.Equal("mock", (string?)provider["name"]);
        Assert.Equal(0.2, (double)provider["config"]!["temperature"]!);
    }
}
