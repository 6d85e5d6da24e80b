using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.AppHost.Tests;

/// <summary>Inference with <c>Inference:ModulesPath</c>: a baked module file served by its name, with the trainer stopped.</summary>
[Collection(ResilienceAppCollection.Name)]
public sealed class BakedModulesTests(ResilienceAppFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private DistributedApplication App => fixture.App;

    [Fact]
    public async Task Inference_serves_a_baked_module_by_its_file_name_with_the_trainer_stopped()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var inference = App.CreateHttpClient("inference");
        try
        {
            await App.ResourceCommands.ExecuteCommandAsync("trainer", KnownResourceCommands.StopCommand, cts.Token);
            await App.ResourceNotifications.WaitForResourceAsync("trainer", e => IsStopped(e.Snapshot.State?.Text), cts.Token);

            foreach (var reference in new[] { ResilienceAppFixture.BakedModule, $"{ResilienceAppFixture.BakedModule}@latest", $"{ResilienceAppFixture.BakedModule}@production" })
            {
                using var response = await inference.PostAsJsonAsync($"/api/modules/{reference}/predict", new { inputs = new { email = "I want my money back" } }, cts.Token);
                var body = await response.Content.ReadAsStringAsync(cts.Token);
                Assert.True(response.StatusCode == HttpStatusCode.OK, body);
                var json = JsonNode.Parse(body)!;
                Assert.Equal(ResilienceAppFixture.BakedModule, (string?)json["module"]);
                Assert.Equal(1, (int)json["version"]!);
                Assert.Equal("refund_request", (string?)json["outputs"]!["category"]);
            }

            var described = await inference.GetFromJsonAsync<JsonObject>($"/api/modules/{ResilienceAppFixture.BakedModule}", cts.Token);
            Assert.Equal("email: str -> category: str", (string?)described!["signature"]);

            using var missingVersion = await inference.PostAsJsonAsync($"/api/modules/{ResilienceAppFixture.BakedModule}@2/predict", new { inputs = new { email = "hi" } }, cts.Token);
            Assert.Equal(HttpStatusCode.NotFound, missingVersion.StatusCode);
        }
        finally
        {
            using var restart = new CancellationTokenSource(Timeout);
            await App.ResourceCommands.ExecuteCommandAsync("trainer", KnownResourceCommands.StartCommand, restart.Token);
            await App.ResourceNotifications.WaitForResourceHealthyAsync("trainer", restart.Token);
        }
    }

    private static bool IsStopped(string? state) =>
        state is not (null or "" or "Running" or "Starting" or "Stopping" or "Waiting" or "NotStarted");
}
