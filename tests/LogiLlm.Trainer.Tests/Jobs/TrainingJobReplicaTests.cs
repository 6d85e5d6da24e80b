using LogiLlm.Tests.Shared;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LogiLlm.Trainer.Jobs;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>Several trainer hosts on one Redis behave as replicas: they share the queue and take over dead workers' jobs.</summary>
public sealed class TrainingJobReplicaTests(JobsRedisFixture fixture) : IClassFixture<JobsRedisFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_replicas_share_a_queue_of_jobs_and_each_job_runs_once()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var runnerA = new GatedRunner("a") { AutoRelease = true, HoldFor = TimeSpan.FromMilliseconds(300) };
        var runnerB = new GatedRunner("b") { AutoRelease = true, HoldFor = TimeSpan.FromMilliseconds(300) };
        // Leases long enough that a busy machine (GC, JIT, parallel test assemblies) never lets a live worker's lease
        // lapse: this test is about sharing the queue; takeover after a lapse is tested below with short leases.
        var lease = TimeSpan.FromSeconds(30);
        await using var a = fixture.Host(registry, prefix, runner: runnerA, leaseDuration: lease).Start();
        await using var b = fixture.Host(registry, prefix, runner: runnerB, leaseDuration: lease).Start();
        var client = a.CreateClient();

        var ids = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob($"shared-{i}"), cts.Token));
        }

        var finished = new List<JsonObject>();
        foreach (var id in ids)
        {
            finished.Add(await JobClient.WaitForStatusAsync(b.CreateClient(), id, "succeeded", cts.Token));
        }

        var runs = runnerA.Started.Concat(runnerB.Started).ToArray();
        Assert.True(ids.Count == runs.Length, "Runs: " + string.Join(", ", runs));
        Assert.Equal(ids.Count, runs.Distinct().Count());
        Assert.NotEmpty(runnerA.Started);
        Assert.NotEmpty(runnerB.Started);
        Assert.All(finished, job => Assert.Equal(1, (int)job["attempts"]!));
        Assert.Equal(new[] { a.Worker.WorkerId, b.Worker.WorkerId }.Order(), finished.Select(j => (string)j["worker"]!).Distinct().Order());
        for (var i = 0; i < ids.Count; i++)
        {
            var versions = await client.GetFromJsonAsync<JsonObject>($"/api/modules/shared-{i}/versions", cts.Token);
            Assert.Single(versions!["versions"]!.AsArray());
        }
    }

    [Fact]
    public async Task A_replica_stopped_mid_job_hands_the_job_to_another_replica()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var runnerA = new GatedRunner("a");
        var a = fixture.Host(registry, prefix, runner: runnerA).Start();
        var id = await TrainingJobsApiClient.CreateAsync(a.CreateClient(), JobClient.InlineJob("handover"), cts.Token);
        Assert.Equal("handover", await runnerA.Starts.Reader.ReadAsync(cts.Token));

        var runnerB = new GatedRunner("b") { AutoRelease = true };
        await using var b = fixture.Host(registry, prefix, runner: runnerB).Start();
        await a.DisposeAsync();

        var done = await JobClient.WaitForStatusAsync(b.CreateClient(), id, "succeeded", cts.Token);
        Assert.Equal(["handover"], runnerA.Cancelled);
        Assert.Equal(["handover"], runnerB.Finished);
        Assert.Equal(2, (int)done["attempts"]!);
        Assert.Equal(b.Worker.WorkerId, (string?)done["worker"]);
        Assert.Equal(1, (int)done["result"]!["version"]!);
    }

    [Fact]
    public async Task The_job_of_a_worker_that_died_is_requeued_when_its_lease_expires_and_finished_by_a_live_worker()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var api = fixture.Host(registry, prefix, concurrency: 0);
        var client = api.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("orphan"), cts.Token);

        // A worker claims the job and dies: its lease is never renewed.
        var claimed = await api.Leases.TryClaimAsync("dead-worker", cts.Token);
        Assert.Equal(id, claimed?.JobId);
        Assert.Equal(TrainingJobStatus.Running, claimed!.Job.Status);
        Assert.Empty(await api.Store.QueuedIdsAsync());

        var runner = new GatedRunner("live") { AutoRelease = true };
        await using var live = fixture.Host(registry, prefix, runner: runner).Start();
        var done = await JobClient.WaitForStatusAsync(client, id, "succeeded", cts.Token);

        Assert.Equal(2, (int)done["attempts"]!);
        Assert.Equal(live.Worker.WorkerId, (string?)done["worker"]);
        Assert.Equal(["orphan"], runner.Finished);
        Assert.Equal(1, (int)done["result"]!["version"]!);
    }

    [Fact]
    public async Task A_job_whose_workers_keep_dying_fails_after_the_attempt_limit()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var api = fixture.Host(registry, prefix, concurrency: 0);
        var client = api.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("poison"), cts.Token);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var claimed = await api.Leases.TryClaimAsync($"dead-{attempt}", cts.Token);
            Assert.Equal(id, claimed?.JobId);
            await api.Leases.SetLeaseExpiryAsync(id, DateTimeOffset.UtcNow.AddSeconds(-1));
            await api.Leases.ReapExpiredAsync();
        }

        var job = await TrainingJobsApiClient.GetAsync(client, id, cts.Token);
        Assert.Equal("failed", (string?)job["status"]);
        Assert.Contains("lease", (string?)job["error"]);
        Assert.Empty(await api.Store.QueuedIdsAsync());
    }

    [Fact]
    public async Task Job_state_survives_a_trainer_restart()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        string id;
        await using (var before = fixture.Host(registry, prefix, concurrency: 0))
        {
            id = await TrainingJobsApiClient.CreateAsync(before.CreateClient(), JobClient.InlineJob("restart"), cts.Token);
        }

        await using var after = fixture.Host(registry, prefix);
        var client = after.CreateClient();
        var events = await TrainingJobsApiClient.FollowAsync(client, id, cts.Token);

        Assert.Equal("succeeded", events[^1].Event);
        Assert.Equal("restart", (string?)events[^1].Job["module"]);
    }
}
