using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using LogiLlm.Registry;
using LogiLlm.Tests.Shared;
using LogiLlm.Trainer.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>Leases are fenced, publishing is once per job, and no Redis failure ends a worker slot.</summary>
public sealed class TrainingJobFaultTests(JobsRedisFixture fixture) : IClassFixture<JobsRedisFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_lapsed_lease_cannot_write_the_job_even_after_the_same_worker_claimed_it_again()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var api = fixture.Host(registry, prefix, concurrency: 0);
        var id = await TrainingJobsApiClient.CreateAsync(api.CreateClient(), JobClient.InlineJob("fenced"), cts.Token);

        var first = await api.Leases.TryClaimAsync("one-worker", cts.Token);
        await api.Leases.SetLeaseExpiryAsync(id, DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal([id], await api.Leases.ReapExpiredAsync());
        var second = await api.Leases.TryClaimAsync("one-worker", cts.Token);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.True(second.Token > first.Token, $"fencing token {second.Token} after {first.Token}");
        Assert.Equal(LeaseState.Lost, await api.Leases.RenewLeaseAsync(first));
        Assert.False(await api.Leases.RecordPublishedVersionAsync(first, 7));
        Assert.False(await api.Leases.CompleteAsync(first, new TrainingJobResult("fenced", 7, 0, 1, 1)));
        Assert.False(await api.Leases.FailAsync(first, "stale worker"));
        Assert.True(await api.Leases.CompleteAsync(second, new TrainingJobResult("fenced", 1, 0, 1, 1)));

        var job = await TrainingJobsApiClient.GetAsync(api.CreateClient(), id, cts.Token);
        Assert.Equal("succeeded", (string?)job["status"]);
        Assert.Equal(1, (int)job["result"]!["version"]!);
        Assert.Null(await api.Leases.GetPublishedVersionAsync(id));
    }

    [Fact]
    public async Task A_job_whose_lease_lapsed_after_publishing_reuses_its_version_instead_of_publishing_a_second()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var runner = new GatedRunner("once");
        var store = new HookedModuleStore(new FileSystemModuleStore(registry));
        await using var host = fixture.Host(registry, prefix, runner: runner, leaseDuration: TimeSpan.FromSeconds(30),
            services: s => s.AddSingleton<IModuleStore>(store));
        var client = host.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("once"), cts.Token);
        // The run publishes, then loses its lease before it can record the version or complete: the job is requeued.
        // (The run's heartbeat may renew in between, so expire and reap until the reaper took the job.)
        store.AfterFirstPublish = () => LapseLeaseAsync(host, id);
        runner.Release("once");

        var done = await JobClient.WaitForStatusAsync(client, id, "succeeded", cts.Token);
        var versions = await client.GetFromJsonAsync<JsonObject>("/api/modules/once/versions", cts.Token);

        Assert.Equal(2, (int)done["attempts"]!);
        Assert.Equal(2, runner.Finished.Count);
        Assert.Single(versions!["versions"]!.AsArray());
        Assert.Equal(1, (int)done["result"]!["version"]!);
        Assert.Equal(1, await host.Leases.GetPublishedVersionAsync(id));
    }

    [Fact]
    public async Task A_job_whose_recorded_version_is_gone_from_the_registry_publishes_its_module_anew()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var runner = new GatedRunner("vanished");
        var store = new HookedModuleStore(new FileSystemModuleStore(registry));
        var logs = new FakeLogCollector();
        await using var host = fixture.Host(registry, prefix, runner: runner, leaseDuration: TimeSpan.FromSeconds(30),
            services: s => s.AddSingleton<IModuleStore>(store).AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        var client = host.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("vanished"), cts.Token);
        // The first run publishes and records version 1, then loses its lease before completing; meanwhile the
        // registry loses that version (replaced, or restored from an older backup). The next run must not end with
        // a version that does not exist, nor give up: it publishes the module again and records that.
        store.AfterFirstPublish = async () =>
        {
            await LapseLeaseAsync(host, id);
            File.Delete(Path.Combine(registry, "vanished", "versions", "1.json"));
        };
        runner.Release("vanished");

        var done = await JobClient.WaitForStatusAsync(client, id, "succeeded", cts.Token);
        var versions = (await client.GetFromJsonAsync<JsonObject>("/api/modules/vanished/versions", cts.Token))!["versions"]!.AsArray();
        var version = (int)done["result"]!["version"]!;
        var document = await client.GetFromJsonAsync<JsonObject>($"/api/modules/vanished/versions/{version}", cts.Token);

        Assert.Equal(2, (int)done["attempts"]!);
        Assert.Equal(2, store.Publishes);
        Assert.Equal(version, (int)Assert.Single(versions)!["version"]!);
        Assert.Equal(version, await host.Leases.GetPublishedVersionAsync(id));
        Assert.Equal(id, (string?)document!["metadata"]![TrainingJobWorker.TrainingJobMetadataKey]!["id"]);
        Assert.Contains(logs.GetSnapshot(), r => r.Message.Contains("the registry does not list it as this job's", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_job_whose_recorded_version_number_now_holds_another_module_publishes_its_own()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var runner = new GatedRunner("renumbered");
        var inner = new FileSystemModuleStore(registry);
        var store = new HookedModuleStore(inner);
        await using var host = fixture.Host(registry, prefix, runner: runner, leaseDuration: TimeSpan.FromSeconds(30),
            services: s => s.AddSingleton<IModuleStore>(store));
        var client = host.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("renumbered"), cts.Token);
        // As above, but the rebuilt registry gave number 1 to another module before the job's next run: a recorded
        // number is not proof, the next run must not end with somebody else's module as its result.
        store.AfterFirstPublish = async () =>
        {
            await LapseLeaseAsync(host, id);
            File.Delete(Path.Combine(registry, "renumbered", "versions", "1.json"));
            Assert.Equal(1, (await inner.PublishAsync("renumbered", ModuleSaver.SaveToString(new Predict("question -> answer")))).Version);
        };
        runner.Release("renumbered");

        var done = await JobClient.WaitForStatusAsync(client, id, "succeeded", cts.Token);
        var version = (int)done["result"]!["version"]!;
        var document = await client.GetFromJsonAsync<JsonObject>($"/api/modules/renumbered/versions/{version}", cts.Token);

        Assert.Equal(2, version);
        Assert.Equal(2, store.Publishes);
        Assert.Equal(version, await host.Leases.GetPublishedVersionAsync(id));
        Assert.Equal(id, (string?)document!["metadata"]![TrainingJobWorker.TrainingJobMetadataKey]!["id"]);
    }

    [Fact]
    public async Task A_run_whose_lease_lapsed_while_its_publish_was_in_flight_is_waited_for_and_its_version_reused()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var runner = new GatedRunner("in-flight") { AutoRelease = true };
        var store = new HookedModuleStore(new FileSystemModuleStore(registry));
        var logs = new FakeLogCollector();
        await using var host = fixture.Host(registry, prefix, concurrency: 2, runner: runner, leaseDuration: TimeSpan.FromSeconds(30),
            services: s => s.AddSingleton<IModuleStore>(store).AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        var client = host.CreateClient();
        // The first run's publish stalls (a slow store, a starved machine) until its lease lapses and the job's second
        // run, on the other slot, reaches its own publish: that run must wait for the first one's version, not write
        // a second. The stalled publish then completes.
        store.DuringFirstPublish = async document =>
        {
            var job = (string)JsonNode.Parse(document)!["metadata"]![TrainingJobWorker.TrainingJobMetadataKey]!["id"]!;
            await LapseLeaseAsync(host, job);
            while (!logs.GetSnapshot().Any(r => r.Message.Contains("an earlier run is still publishing", StringComparison.Ordinal)))
            {
                await Task.Delay(50, cts.Token);
            }
        };
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("in-flight"), cts.Token);

        var done = await JobClient.WaitForStatusAsync(client, id, "succeeded", cts.Token);
        var versions = await client.GetFromJsonAsync<JsonObject>("/api/modules/in-flight/versions", cts.Token);

        Assert.Equal(2, (int)done["attempts"]!);
        Assert.Equal(2, runner.Finished.Count);
        Assert.Equal(1, store.Publishes);
        Assert.Single(versions!["versions"]!.AsArray());
        Assert.Equal(1, (int)done["result"]!["version"]!);
        Assert.Equal(1, await host.Leases.GetPublishedVersionAsync(id));
    }

    [Fact]
    public async Task A_worker_whose_lease_was_taken_over_does_not_publish_a_second_version()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var stale = new GatedRunner("stale");
        await using var a = fixture.Host(registry, prefix, runner: stale, leaseDuration: TimeSpan.FromSeconds(30)).Start();
        var client = a.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("takeover"), cts.Token);
        Assert.Equal("takeover", await stale.Starts.Reader.ReadAsync(cts.Token));

        // A's lease lapses (a long GC pause, a partition) and the job is requeued; A's heartbeat may renew in between,
        // so expire and reap until the reaper took it. Whichever replica claims it next (B, or A's freed slot) finishes it.
        stale.AutoRelease = true;
        await LapseLeaseAsync(a, id);

        var live = new GatedRunner("live") { AutoRelease = true };
        await using var b = fixture.Host(registry, prefix, runner: live, leaseDuration: TimeSpan.FromSeconds(30)).Start();
        var done = await JobClient.WaitForStatusAsync(client, id, "succeeded", cts.Token);
        stale.Release("takeover");
        // A's first run ends either way without writing a version: cancelled when a renewal finds the lease lost, or
        // (when the release comes first, e.g. on a loaded machine) finished and then dropped at the fencing renewal
        // before publishing. Wait until A's worker is done with that run, then look at the registry.
        while (a.Worker.RunningJobIds.Contains(id))
        {
            await Task.Delay(50, cts.Token);
        }

        var versions = await client.GetFromJsonAsync<JsonObject>("/api/modules/takeover/versions", cts.Token);
        Assert.Single(versions!["versions"]!.AsArray());
        Assert.Equal(1, (int)done["result"]!["version"]!);
        Assert.True((int)done["attempts"]! >= 2);
        Assert.True(stale.Cancelled.Contains("takeover") || stale.Finished.Contains("takeover"), "A's first run ended");
        Assert.Equal(1, await a.Leases.GetPublishedVersionAsync(id));
    }

    /// <summary>
    /// Lets the running job's lease lapse and requeues it. The worker's heartbeat may renew between the expiry and the
    /// reap, and a reaper of the host may requeue it first: repeat until the job left this run (queued or claimed again).
    /// </summary>
    private static async Task LapseLeaseAsync(JobsHost host, string id)
    {
        var before = (await host.Store.GetAsync(id))!.Attempts;
        while (await host.Store.GetAsync(id) is { Status: TrainingJobStatus.Running } job && job.Attempts == before)
        {
            await host.Leases.SetLeaseExpiryAsync(id, DateTimeOffset.UtcNow.AddSeconds(-1));
            await host.Leases.ReapExpiredAsync();
        }
    }

    [Fact]
    public async Task A_slot_survives_redis_hanging_at_the_end_of_a_job_and_runs_the_next_job()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var redis = RedisServerProcess.Start();
        var registry = fixture.NewDeployment().Registry;
        var runner = new GatedRunner("hang");
        var logs = new FakeLogCollector();
        // Short command timeouts so that the hang is seen in a second, not five.
        await using var host = new JobsHost($"{redis.ConnectionString},asyncTimeout=1000,syncTimeout=1000", registry, "test:hang", runner: runner,
            leaseDuration: TimeSpan.FromSeconds(30), services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        var client = host.CreateClient();
        var first = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("hang-1"), cts.Token);
        Assert.Equal("hang-1", await runner.Starts.Reader.ReadAsync(cts.Token));

        redis.Pause();
        try
        {
            runner.Release("hang-1");
            // The optimizer finished while Redis hangs: the worker's end of the job fails and is retried.
            while (!logs.GetSnapshot().Any(r => r.Message.Contains("Could not renew the lease of the training job", StringComparison.Ordinal)))
            {
                await Task.Delay(50, cts.Token);
            }
        }
        finally
        {
            redis.Resume();
        }

        var done = await JobClient.WaitForStatusAsync(client, first, "succeeded", cts.Token);
        runner.Release("hang-2");
        var second = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("hang-2"), cts.Token);
        var next = await JobClient.WaitForStatusAsync(client, second, "succeeded", cts.Token);
        using var alive = await client.GetAsync("/alive", cts.Token);

        Assert.Equal(1, (int)done["result"]!["version"]!);
        Assert.Equal(1, (int)next["result"]!["version"]!);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(["hang-1", "hang-2"], runner.Finished);
    }

    [Fact]
    public async Task An_import_while_redis_hangs_answers_201_and_is_announced_once_redis_is_back()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var redis = RedisServerProcess.Start();
        var registry = fixture.NewDeployment().Registry;
        var logs = new FakeLogCollector();
        await using var host = new JobsHost($"{redis.ConnectionString},asyncTimeout=1000,syncTimeout=1000", registry, "test:import", concurrency: 0,
            services: s => s.AddLogging(b => b.AddProvider(new FakeLoggerProvider(logs))));
        var client = host.CreateClient();
        await using var listener = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await listener.GetSubscriber().SubscribeAsync(StackExchange.Redis.RedisChannel.Literal(ModuleChange.Channel), (_, message) => announced.TrySetResult(message.ToString()));

        redis.Pause();
        HttpResponseMessage imported;
        try
        {
            imported = await client.PostAsync("/api/modules/offline-import/versions",
                new StringContent(File.ReadAllText(SharedPaths.Fixture("basic.json")), System.Text.Encoding.UTF8, "application/json"), cts.Token);
            // The announcement is retried in the background while Redis hangs.
            while (!logs.GetSnapshot().Any(r => r.Message.Contains("Could not announce the change of module offline-import", StringComparison.Ordinal)))
            {
                await Task.Delay(50, cts.Token);
            }
        }
        finally
        {
            redis.Resume();
        }

        var message = await announced.Task.WaitAsync(cts.Token);
        using var _ = imported;
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        Assert.Contains("\"version\":1", message, StringComparison.Ordinal);
        Assert.Contains("offline-import", message, StringComparison.Ordinal);
    }
}
