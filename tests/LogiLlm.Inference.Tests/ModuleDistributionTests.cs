using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Inference.Modules;
using LogiLlm.Providers;
using LogiLlm.Registry;

namespace LogiLlm.Inference.Tests;

/// <summary>How modules reach inference replicas: bounded memory, bounded staleness, no failed request under faults.</summary>
public sealed class ModuleDistributionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static async Task<int> ImportAsync(ServicePair services, string name, CancellationToken cancellationToken, string instructions = "Classify customer emails by category")
    {
        using var trainer = services.CreateTrainerClient();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cancellationToken))!;
        document["signature"]!["instructions"] = instructions;
        using var response = await trainer.PostAsync($"/api/modules/{name}/versions", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (int)(await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["version"]!;
    }

    private static async Task<JsonObject> PredictOkAsync(HttpClient inference, string reference, CancellationToken cancellationToken)
    {
        using var response = await inference.PostAsJsonAsync($"/api/modules/{reference}/predict", new { inputs = new { email = "Where is my parcel?" } }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{reference}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    [Fact]
    public async Task Loading_many_versions_keeps_the_loaded_module_count_within_its_bound()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var services = new ServicePair(both: ServiceSetup.Setting("ModuleCache:MaxLoadedModules", "3"));
        using var inference = services.CreateInferenceClient();
        for (var i = 1; i <= 8; i++)
        {
            Assert.Equal(i, await ImportAsync(services, "many", cts.Token, $"Classify customer emails, take {i}"));
        }

        var loaded = services.InferenceResolver.Loaded;
        var counts = new List<int>();
        foreach (var version in Enumerable.Range(1, 8).Append(1))
        {
            var answer = await PredictOkAsync(inference, $"many@{version}", cts.Token);
            Assert.Equal(version, (int)answer["version"]!);
            counts.Add(loaded.Count);
        }

        Assert.Equal(3, loaded.Capacity);
        Assert.All(counts, count => Assert.InRange(count, 1, 3));
        Assert.True(loaded.Evictions >= 6, $"evictions: {loaded.Evictions}");
    }

    [Fact]
    public async Task A_module_dropped_from_memory_while_a_request_holds_it_still_answers_that_request()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var provider = new ProviderRegistry().CreateProvider("mock");
        var loaded = new LoadedModules(1);
        ResolvedModule Make(string name) =>
            new(name, 1, new Predict("email: str -> category: str") { Provider = provider }, name, null);

        var held = await loaded.GetOrLoadAsync("a", () => Task.FromResult<ResolvedModule?>(Make("a")), cts.Token);
        await loaded.GetOrLoadAsync("b", () => Task.FromResult<ResolvedModule?>(Make("b")), cts.Token);
        var result = await held!.Module.InvokeAsync(new Dictionary<string, object?> { ["email"] = "Where is my parcel?" }, cts.Token);
        var reloads = 0;
        var again = await loaded.GetOrLoadAsync("a", () => { reloads++; return Task.FromResult<ResolvedModule?>(Make("a")); }, cts.Token);

        Assert.True(result.Outputs.ContainsKey("category"));
        Assert.Equal(1, loaded.Count);
        Assert.Equal(1, reloads);
        Assert.NotSame(held, again);
    }

    [Fact]
    public async Task A_version_imported_while_redis_hangs_is_served_within_the_alias_lifetime_and_no_prediction_fails()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var cacheOptions = new ModuleCacheOptions { AliasLifetime = TimeSpan.FromSeconds(2), RedisTimeout = TimeSpan.FromMilliseconds(500) };
        using var services = new ServicePair(
            both: new(new Dictionary<string, string>
            {
                ["ModuleCache:AliasLifetime"] = cacheOptions.AliasLifetime.ToString("c", CultureInfo.InvariantCulture),
                ["ModuleCache:RedisTimeout"] = cacheOptions.RedisTimeout.ToString("c", CultureInfo.InvariantCulture),
            }),
            // The test predicts in a loop until version 2 answers: more than the default 600 requests per minute.
            inference: ServiceSetup.Setting("RateLimit:PermitsPerMinute", "1000000"));
        using var inference = services.CreateInferenceClient();
        await ImportAsync(services, "moving", cts.Token);
        Assert.Equal(1, (int)(await PredictOkAsync(inference, "moving", cts.Token))["version"]!);

        services.Redis.Pause();
        var answers = new List<int>();
        try
        {
            Assert.Equal(2, await ImportAsync(services, "moving", cts.Token, "Classify customer emails, second take"));
            // The bound: the alias expires after AliasLifetime and is revalidated against the registry, with Redis
            // skipped after RedisTimeout and a slow registry after RegistrySoftTimeout. The slack only absorbs a loaded
            // machine; the loop ends as soon as version 2 is served.
            var bound = cacheOptions.AliasLifetime + cacheOptions.RegistrySoftTimeout + (4 * cacheOptions.RedisTimeout);
            using var within = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            within.CancelAfter(bound + TimeSpan.FromSeconds(20));
            while (answers.LastOrDefault() != 2 && !within.IsCancellationRequested)
            {
                answers.Add((int)(await PredictOkAsync(inference, "moving", cts.Token))["version"]!);
            }
        }
        finally
        {
            services.Redis.Resume();
        }

        Assert.Equal(2, answers[^1]);
        Assert.All(answers, version => Assert.InRange(version, 1, 2));
        Assert.Equal(2, (int)(await PredictOkAsync(inference, "moving", cts.Token))["version"]!);
    }
}
