using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace LogiLlm.AppHost.Tests;

/// <summary>Serving while the graph changes under it: new versions, a stopped cache, a stopped trainer; and the key.</summary>
[Collection(ResilienceAppCollection.Name)]
public sealed class ServingResilienceTests(ResilienceAppFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private DistributedApplication App => fixture.App;

    private static async Task<int> ImportAsync(HttpClient trainer, string name, JsonNode document, CancellationToken cancellationToken)
    {
        using var response = await trainer.PostAsync(
            $"/api/modules/{name}/versions", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (int)(await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["version"]!;
    }

    private static JsonNode Fixture(string name) => JsonNode.Parse(File.ReadAllText(SharedPaths.Fixture(name)))!;

    private static async Task<(HttpStatusCode Status, JsonNode? Body)> PredictAsync(HttpClient inference, string reference, string email, CancellationToken cancellationToken)
    {
        using var response = await inference.PostAsJsonAsync($"/api/modules/{reference}/predict", new { inputs = new { email } }, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonNode.Parse(text) : null);
    }

    private static async Task<int> TrainAsync(HttpClient trainer, string name, int maxDemos, CancellationToken cancellationToken)
    {
        var id = await TrainingJobsApiClient.CreateAsync(trainer, new
        {
            module = name,
            sampleDataset = "emails",
            optimizer = new { type = "labeled-few-shot", maxDemos },
        }, cancellationToken);
        var events = await TrainingJobsApiClient.FollowAsync(trainer, id, cancellationToken);
        var done = events[^1].Job;
        Assert.True((string?)done["status"] == "succeeded", done.ToJsonString());
        return (int)done["result"]!["version"]!;
    }

    [Fact]
    public async Task A_newly_trained_version_is_served_without_restart_and_without_a_failed_request()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = App.CreateHttpClient("trainer");
        using var inference = App.CreateHttpClient("inference");
        var name = $"switch-{Guid.NewGuid():n}"[..20];
        Assert.Equal(1, await TrainAsync(trainer, name, maxDemos: 8, cts.Token));
        var first = await PredictAsync(inference, $"{name}@latest", "Where is my order?", cts.Token);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(1, (int)first.Body!["version"]!);

        // A stream of predictions runs while version 2 is trained and published.
        var failures = new List<HttpStatusCode>();
        var versionsSeen = new SortedSet<int>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var stream = Task.Run(async () =>
        {
            for (var i = 0; i < 5000 && !stop.IsCancellationRequested; i++)
            {
                var (status, body) = await PredictAsync(inference, $"{name}@latest", "Where is my order?", cts.Token);
                lock (versionsSeen)
                {
                    if (status != HttpStatusCode.OK)
                    {
                        failures.Add(status);
                    }
                    else
                    {
                        versionsSeen.Add((int)body!["version"]!);
                    }
                }
            }
        }, cts.Token);

        Assert.Equal(2, await TrainAsync(trainer, name, maxDemos: 16, cts.Token));

        while (!cts.IsCancellationRequested)
        {
            lock (versionsSeen)
            {
                if (versionsSeen.Contains(2))
                {
                    break;
                }
            }

            await Task.Delay(50, cts.Token);
        }

        await stop.CancelAsync();
        await stream;
        Assert.Empty(failures);
        Assert.Equal([1, 2], versionsSeen);
        var described = await inference.GetFromJsonAsync<JsonObject>($"/api/modules/{name}", cts.Token);
        Assert.Equal(2, (int)described!["version"]!);
        Assert.Equal(16, (int)described["demoCount"]!);
    }

    [Fact]
    public async Task Loaded_modules_keep_being_served_while_the_cache_and_the_trainer_are_stopped()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = App.CreateHttpClient("trainer");
        using var inference = App.CreateHttpClient("inference");
        var name = $"steady-{Guid.NewGuid():n}"[..20];
        await ImportAsync(trainer, name, Fixture("optimized.json"), cts.Token);
        Assert.Equal(HttpStatusCode.OK, (await PredictAsync(inference, name, "Where is my order?", cts.Token)).Status);

        try
        {
            await App.ResourceCommands.ExecuteCommandAsync("cache", KnownResourceCommands.StopCommand, cts.Token);
            await App.ResourceCommands.ExecuteCommandAsync("trainer", KnownResourceCommands.StopCommand, cts.Token);
            await App.ResourceNotifications.WaitForResourceAsync("trainer", e => IsStopped(e.Snapshot.State?.Text), cts.Token);
            await App.ResourceNotifications.WaitForResourceAsync("cache", e => IsStopped(e.Snapshot.State?.Text), cts.Token);

            for (var i = 0; i < 20; i++)
            {
                var (status, body) = await PredictAsync(inference, name, "I want my money back", cts.Token);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal("refund_request", (string?)body!["outputs"]!["category"]);
            }

            using var health = await inference.GetAsync("/health", cts.Token);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync(cts.Token));
        }
        finally
        {
            using var restart = new CancellationTokenSource(Timeout);
            await App.ResourceCommands.ExecuteCommandAsync("cache", KnownResourceCommands.StartCommand, restart.Token);
            await App.ResourceCommands.ExecuteCommandAsync("trainer", KnownResourceCommands.StartCommand, restart.Token);
            await App.ResourceNotifications.WaitForResourceHealthyAsync("cache", restart.Token);
            await App.ResourceNotifications.WaitForResourceHealthyAsync("trainer", restart.Token);
        }
    }

    private static bool IsStopped(string? state) =>
        state is not (null or "" or "Running" or "Starting" or "Stopping" or "Waiting" or "NotStarted");

    [Fact]
    public async Task The_configured_key_appears_in_no_saved_module_registry_file_response_or_log()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = App.CreateHttpClient("trainer");
        using var inference = App.CreateHttpClient("inference");
        var name = $"keyless-{Guid.NewGuid():n}"[..20];
        var responses = new StringBuilder();

        await ImportAsync(trainer, name, Fixture("provider.json"), cts.Token);
        responses.Append(await trainer.GetStringAsync($"/api/modules/{name}/versions/latest", cts.Token));
        responses.Append(await trainer.GetStringAsync($"/api/modules/{name}/versions", cts.Token));
        responses.Append(await trainer.GetStringAsync("/api/modules", cts.Token));
        using (var predict = await inference.PostAsJsonAsync($"/api/modules/{name}/predict", new { inputs = new { text = "hello" } }, cts.Token))
        {
            responses.Append(await predict.Content.ReadAsStringAsync(cts.Token));
        }

        responses.Append(await inference.GetStringAsync($"/api/modules/{name}", cts.Token));
        responses.Append(await inference.GetStringAsync($"/api/modules/{name}/prompt", cts.Token));
        responses.Append(await inference.GetStringAsync("/openapi/v1.json", cts.Token));
        using (var bad = await inference.PostAsJsonAsync($"/api/modules/{name}/predict", new { inputs = new { } }, cts.Token))
        {
            responses.Append(await bad.Content.ReadAsStringAsync(cts.Token));
        }

        var registryFiles = Directory.EnumerateFiles(fixture.RegistryPath, "*", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(registryFiles);
        var logs = string.Join('\n', fixture.Logs);
        Assert.Contains("Imported module", logs); // the trainer's own log lines are captured, so the check below means something
        Assert.Contains("Loaded module", logs);

        Assert.DoesNotContain(ResilienceAppFixture.ApiKey, responses.ToString());
        Assert.DoesNotContain(ResilienceAppFixture.ApiKey, logs);
        foreach (var file in registryFiles)
        {
            Assert.DoesNotContain(ResilienceAppFixture.ApiKey, await File.ReadAllTextAsync(file, cts.Token));
        }
    }
}
