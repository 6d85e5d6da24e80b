using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Tests.Shared;

namespace LogiLlm.Trainer.Tests;

public sealed class DeriveApiTests(TrainerFactory factory) : IClassFixture<TrainerFactory>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpClient Client, string Name)> ImportOptimizedAsync(CancellationToken token)
    {
        var client = factory.CreateClient();
        var name = $"d-{Guid.NewGuid():n}";
        using var imported = await client.PostAsync($"/api/modules/{name}/versions", Json(File.ReadAllText(SharedPaths.Fixture("optimized.json"))), token);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        return (client, name);
    }

    [Fact]
    public async Task Derive_makes_a_new_version_with_the_changes_and_a_lineage_naming_the_source()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (client, name) = await ImportOptimizedAsync(cts.Token);
        var source = JsonNode.Parse(await client.GetStringAsync($"/api/modules/{name}/versions/1", cts.Token))!;
        var demoCount = source["demo_manager"]!["demos"]!.AsArray().Count;

        using var response = await client.PostAsync($"/api/modules/{name}/versions/1/derive", Json("""
            {"config": {"temperature": 0.1, "max_tokens": null},
             "instructions": "Classify the email; answer with one category.",
             "demos": {"remove": [0], "add": [{"inputs": {"email": "Where is my parcel?"}, "outputs": {"category": "shipping"}, "score": 0.9}]}}
            """), cts.Token);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/modules/{name}/versions/2", response.Headers.Location?.OriginalString);
        var created = await response.Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        Assert.Equal($"{name}@1", (string)created!["derivedFrom"]!);
        Assert.Equal(2, (int)created["version"]!);

        var derived = JsonNode.Parse(await client.GetStringAsync($"/api/modules/{name}/versions/latest", cts.Token))!;
        Assert.Equal("Classify the email; answer with one category.", (string)derived["signature"]!["instructions"]!);
        Assert.Equal(0.1, (double)derived["config"]!["temperature"]!);
        Assert.Null(derived["config"]!["max_tokens"]);
        var demos = derived["demo_manager"]!["demos"]!.AsArray();
        Assert.Equal(demoCount, demos.Count);
        Assert.Equal("Where is my parcel?", (string)demos[^1]!["inputs"]!["email"]!);
        Assert.NotEqual(source["demo_manager"]!["demos"]![0]!.ToJsonString(), demos[0]!.ToJsonString());
        var lineage = derived["metadata"]!["derived_from"]!;
        Assert.Equal($"{name}@1", (string)lineage["source"]!);
        Assert.Equal(["max_tokens", "temperature"], lineage["changes"]!["config"]!.AsArray().Select(k => (string)k!));
        Assert.True((bool)lineage["changes"]!["instructions"]!);
        Assert.Equal([0], lineage["changes"]!["demos_removed"]!.AsArray().Select(i => (int)i!));
        Assert.Equal(1, (int)lineage["changes"]!["demos_added"]!);

        // The source version is immutable.
        var again = JsonNode.Parse(await client.GetStringAsync($"/api/modules/{name}/versions/1", cts.Token))!;
        Assert.Equal(source["demo_manager"]!.ToJsonString(), again["demo_manager"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{}""", "body")]
    [InlineData("""{"demos": {"remove": [999]}}""", "demos.remove")]
    [InlineData("""{"demos": {"add": [{"outputs": {"category": "x"}}]}}""", "demos.add[0].inputs")]
    [InlineData("""{"demos": {"add": [{"inputs": {"email": "x"}, "outputs": {"category": "x"}, "score": 3}]}}""", "demos.add[0].score")]
    public async Task A_bad_derivation_gets_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (client, name) = await ImportOptimizedAsync(cts.Token);

        using var response = await client.PostAsync($"/api/modules/{name}/versions/1/derive", Json(body), cts.Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        Assert.NotNull(problem!["errors"]![field]);
        var versions = await client.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions", cts.Token);
        Assert.Single(versions!["versions"]!.AsArray());
    }

    [Fact]
    public async Task Deriving_from_an_unknown_version_is_404()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (client, name) = await ImportOptimizedAsync(cts.Token);

        using var response = await client.PostAsync($"/api/modules/{name}/versions/7/derive", Json("""{"instructions": "x"}"""), cts.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
