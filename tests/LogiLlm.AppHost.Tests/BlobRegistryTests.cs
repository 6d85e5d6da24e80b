using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogiLlm.AppHost.Tests;

/// <summary>
/// The registry in blob storage (<c>Registry:Store=blob</c>: Azurite, run by the AppHost) with two trainer replicas:
/// concurrent publishers get distinct versions, and the registry survives stopping and starting the whole app.
/// </summary>
public sealed class BlobRegistryTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly string _location = Path.Combine(Path.GetTempPath(), "logillm-tests", "azurite-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Twenty_concurrent_imports_on_two_replicas_get_versions_1_to_20_and_survive_a_restart_of_the_app()
    {
        const int imports = 20;
        var name = $"blob-{Guid.NewGuid():n}"[..20];
        var template = JsonNode.Parse(await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json")))!;
        IReadOnlyList<(int Version, string Sha256)> listed;
        var instructionsByVersion = new Dictionary<int, string>();

        await using (var app = await StartAsync())
        {
            using var cts = new CancellationTokenSource(Timeout);
            using var trainer = app.CreateHttpClient("trainer");

            // 20 imports at once, spread by the trainer endpoint over both replicas.
            var results = await Task.WhenAll(Enumerable.Range(1, imports).Select(async i =>
            {
                var document = template.DeepClone();
                var instructions = $"Classify customer emails by category (import {i})";
                document["signature"]!["instructions"] = instructions;
                using var response = await trainer.PostAsync(
                    $"/api/modules/{name}/versions", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"), cts.Token);
                var body = await response.Content.ReadAsStringAsync(cts.Token);
                Assert.True(response.StatusCode == HttpStatusCode.Created, body);
                var created = JsonNode.Parse(body)!;
                return (Version: (int)created["version"]!, Sha256: (string)created["sha256"]!, Instructions: instructions);
            }));

            Assert.Equal(Enumerable.Range(1, imports), results.Select(r => r.Version).Order());
            foreach (var r in results)
            {
                instructionsByVersion[r.Version] = r.Instructions;
            }

            listed = await ListVersionsAsync(trainer, name, cts.Token);
            Assert.Equal(results.Select(r => (r.Version, r.Sha256)).OrderBy(r => r.Version), listed);

            // Each replica, asked directly, lists the same versions and aliases.
            var replicas = await TrainerReplicaUrlsAsync(app, cts.Token);
            Assert.True(replicas.Count == 2, $"Expected two trainer replicas, found: {string.Join(", ", replicas)}");
            foreach (var url in replicas)
            {
                using var direct = new HttpClient { BaseAddress = url };
                Assert.Equal(listed, await ListVersionsAsync(direct, name, cts.Token));
                Assert.Equal(imports, (int)(await GetAliasesAsync(direct, name, cts.Token))["latest"]!);
            }

            using var promote = await trainer.PutAsJsonAsync($"/api/modules/{name}/aliases/production", new { version = 7 }, cts.Token);
            Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
            using var inference = app.CreateHttpClient("inference");
            Assert.Equal(imports, await PredictVersionAsync(inference, name, cts.Token));

            await app.StopAsync(cts.Token);
        }

        // Azurite was stopped with the app (it must not be left running on its data folder).
        Assert.Empty(await ProcessesStillUsingAsync(_location));

        await using (var app = await StartAsync())
        {
            using var cts = new CancellationTokenSource(Timeout);
            using var trainer = app.CreateHttpClient("trainer");
            using var inference = app.CreateHttpClient("inference");

            Assert.Equal(listed, await ListVersionsAsync(trainer, name, cts.Token));
            var aliases = await GetAliasesAsync(trainer, name, cts.Token);
            Assert.Equal(imports, (int)aliases["latest"]!);
            Assert.Equal(7, (int)aliases["production"]!);

            // Inference serves them: latest, the promoted alias, and exact versions with their own documents and digests.
            Assert.Equal(imports, await PredictVersionAsync(inference, name, cts.Token));
            Assert.Equal(7, await PredictVersionAsync(inference, $"{name}@production", cts.Token));
            foreach (var version in new[] { 1, 7, imports })
            {
                var described = await inference.GetFromJsonAsync<JsonObject>($"/api/modules/{name}@{version}", cts.Token);
                Assert.Equal(version, (int)described!["version"]!);
                Assert.Equal(instructionsByVersion[version], (string?)described["instructions"]);
            }

            await app.StopAsync(cts.Token);
        }

        Assert.Empty(await ProcessesStillUsingAsync(_location));
    }

    private async Task<DistributedApplication> StartAsync()
    {
        using var cts = new CancellationTokenSource(AppHostFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LogiLlm_AppHost>(
            [
                "--Redis:Mode=executable", "--Registry:Store=blob", $"--Registry:AzuriteLocation={_location}",
                "--Trainer:Replicas=2", "--Parameters:llm-provider=mock",
            ],
            cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        // No retrying handler: a retried import would publish a version twice, and this test counts versions.
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigureHttpClient(client => client.Timeout = Timeout));
        var app = await builder.BuildAsync(cts.Token);
        try
        {
            await app.StartAsync(cts.Token);
            foreach (var resource in new[] { "registry-storage", "cache", "trainer", "inference" })
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
            }
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    private static async Task<IReadOnlyList<(int Version, string Sha256)>> ListVersionsAsync(HttpClient trainer, string name, CancellationToken cancellationToken)
    {
        var body = await trainer.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions", cancellationToken);
        return body!["versions"]!.AsArray().Select(v => ((int)v!["version"]!, (string)v["sha256"]!)).ToList();
    }

    private static async Task<JsonObject> GetAliasesAsync(HttpClient trainer, string name, CancellationToken cancellationToken)
    {
        var body = await trainer.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions", cancellationToken);
        return body!["aliases"]!.AsObject();
    }

    private static async Task<int> PredictVersionAsync(HttpClient inference, string reference, CancellationToken cancellationToken)
    {
        using var response = await inference.PostAsJsonAsync($"/api/modules/{reference}/predict", new { inputs = new { email = "Where is my order?" } }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (int)JsonNode.Parse(body)!["version"]!;
    }

    /// <summary>The address of each trainer replica itself (not the load-balancing proxy), from the orchestrator's view.</summary>
    private static async Task<IReadOnlyList<Uri>> TrainerReplicaUrlsAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var byReplica = new Dictionary<string, Uri>();
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await foreach (var e in app.ResourceNotifications.WatchAsync(watch.Token))
        {
            if (e.Resource.Name != "trainer" || e.ResourceId == "trainer")
            {
                continue;
            }

            var urls = e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value;
            if (urls?.Split(';').Select(u => u.Trim()).FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal)) is { } url
                && Uri.TryCreate(url.Replace("+", "localhost", StringComparison.Ordinal).Replace("*", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                && uri.Port > 0)
            {
                byReplica[e.ResourceId] = uri;
            }

            if (byReplica.Count == 2)
            {
                break;
            }
        }

        return byReplica.Values.ToList();
    }

    /// <summary>Processes whose command line names <paramref name="location"/>, once they had (bounded) time to exit.</summary>
    private static async Task<List<int>> ProcessesStillUsingAsync(string location)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var pids = ProcessesUsing(location);
        while (pids.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            pids = ProcessesUsing(location);
        }

        return pids;
    }

    private static List<int> ProcessesUsing(string location)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(location, StringComparison.Ordinal))
                {
                    pids.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended meanwhile.
            }
        }

        return pids;
    }
}
