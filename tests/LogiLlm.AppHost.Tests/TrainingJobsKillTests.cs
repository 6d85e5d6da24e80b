using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.AppHost.Tests;

/// <summary>A trainer replica killed mid-job: its lease expires and the other replica finishes the job.</summary>
[Collection(TrainingJobsKillCollection.Name)]
public sealed class TrainingJobsKillTests(TrainingJobsKillFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task The_job_of_a_killed_trainer_replica_is_finished_by_the_other_replica()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = fixture.App.CreateHttpClient("trainer");
        var name = $"killed-{Guid.NewGuid():n}"[..20];
        var id = await TrainingJobsApiClient.CreateAsync(trainer, TrainingJobsClient.EmailsJob(name, hyperparameterTrials: 120), cts.Token);

        // Wait until a replica is well into the job, then kill that replica's process (it cannot hand the job back).
        var running = await TrainingJobsClient.WaitUntilAsync(trainer, id,
            j => (string?)j["status"] == "running" && (int)j["progress"]!["done"]! > 0, cts.Token);
        var victim = (string)running["worker"]!;
        var pid = int.Parse(victim.Split(':')[^2], CultureInfo.InvariantCulture);
        using (var process = Process.GetProcessById(pid))
        {
            Assert.Contains(process.ProcessName, new[] { "LogiLlm.Trainer", "dotnet" });
            process.Kill();
            await process.WaitForExitAsync(cts.Token);
        }

        var done = await TrainingJobsClient.WaitUntilAsync(trainer, id, j => (bool)j["isTerminal"]!, cts.Token);

        Assert.True((string?)done["status"] == "succeeded", done.ToJsonString());
        Assert.Equal(2, (int)done["attempts"]!);
        Assert.NotEqual(victim, (string?)done["worker"]);
        var versions = await trainer.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions", cts.Token);
        Assert.Single(versions!["versions"]!.AsArray());
    }
}
