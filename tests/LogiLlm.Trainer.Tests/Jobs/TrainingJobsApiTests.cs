using LogiLlm.Tests.Shared;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Diagnostics.Metrics;
using LogiLlm.Registry;
using LogiLlm.Trainer.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Tests.Jobs;

public sealed class TrainingJobsApiTests(JobsRedisFixture fixture) : IClassFixture<JobsRedisFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_job_on_inline_examples_is_followed_over_server_sent_events_and_publishes_versions_1_and_2()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix);
        var client = host.CreateClient();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        var changes = new List<string>();
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(ModuleChange.Channel), (_, m) => { lock (changes) changes.Add(m.ToString()); });

        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("inline-classifier"), cts.Token);
        var events = await TrainingJobsApiClient.FollowAsync(client, id, cts.Token);

        var statuses = events.Select(e => e.Event).Distinct().ToArray();
        Assert.Equal("succeeded", statuses[^1]);
        Assert.Contains("running", statuses);
        Assert.All(events, e => Assert.Equal(e.Event, (string?)e.Job["status"]));
        Assert.True(events.Select(e => (long)e.Job["revision"]!).SequenceEqual(events.Select(e => (long)e.Job["revision"]!).Order().Distinct()), "Event revisions must increase.");
        var done = events[^1].Job;
        Assert.Equal("inline-classifier", (string?)done["result"]!["module"]);
        Assert.Equal(1, (int)done["result"]!["version"]!);
        Assert.Equal(1.0, (double)done["result"]!["bestScore"]!);
        Assert.Equal((double)done["result"]!["bestScore"]! - (double)done["result"]!["baselineScore"]!, (double)done["result"]!["improvement"]!, 6);
        Assert.Equal(1, (int)done["attempts"]!);

        using var latest = await client.GetAsync("/api/modules/inline-classifier/versions/latest", cts.Token);
        Assert.Equal("1", latest.Headers.GetValues("X-Module-Version").Single());
        var document = JsonNode.Parse(await latest.Content.ReadAsStringAsync(cts.Token))!;
        Assert.Equal("optimized", (string?)document["state"]);
        Assert.Equal("Classify customer emails by category", (string?)document["signature"]!["instructions"]);
        Assert.Equal(id, (string?)document["metadata"]!["training_job"]!["id"]);
        Assert.NotNull(document["metadata"]!["optimization"]);
        Assert.NotEmpty(document["demo_manager"]!["demos"]!.AsArray());

        var second = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("inline-classifier"), cts.Token);
        var secondEvents = await TrainingJobsApiClient.FollowAsync(client, second, cts.Token);
        Assert.Equal(2, (int)secondEvents[^1].Job["result"]!["version"]!);
        var versions = await client.GetFromJsonAsync<JsonObject>("/api/modules/inline-classifier/versions", cts.Token);
        Assert.Equal([1, 2], versions!["versions"]!.AsArray().Select(v => (int)v!["version"]!));
        Assert.Equal(2, (int)versions["aliases"]!["latest"]!);
        lock (changes)
        {
            Assert.Contains(changes, c => c.Contains("\"version\":2", StringComparison.Ordinal) && c.Contains("inline-classifier", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_shipped_emails_sample_trains_without_inline_examples()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix);
        var client = host.CreateClient();

        var id = await TrainingJobsApiClient.CreateAsync(client, new
        {
            module = "email-classifier",
            signature = "email: str -> category: str",
            sampleDataset = "emails",
            optimizer = new { type = "labeled-few-shot", maxDemos = 12 },
            metric = new { type = "accuracy", key = "category" },
        }, cts.Token);
        var events = await TrainingJobsApiClient.FollowAsync(client, id, cts.Token);

        var done = events[^1].Job;
        Assert.True((string?)done["status"] == "succeeded", done.ToJsonString());
        Assert.Equal(1, (int)done["result"]!["version"]!);
        Assert.True((int)done["progress"]!["done"]! > 0);
        var document = JsonNode.Parse(await client.GetStringAsync("/api/modules/email-classifier/versions/latest", cts.Token))!;
        Assert.Equal("emails", (string?)document["metadata"]!["training_job"]!["dataset"]);
    }

    [Fact]
    public async Task A_succeeded_job_is_counted_with_its_trials_and_scores_in_the_trainer_metrics()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix);
        var client = host.CreateClient();
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var jobs = new MetricCollector<long>(meters, TrainingMetrics.MeterName, "logillm.training.jobs");
        using var trials = new MetricCollector<long>(meters, TrainingMetrics.MeterName, "logillm.training.trials");
        using var best = new MetricCollector<double>(meters, TrainingMetrics.MeterName, "logillm.training.best_score");

        var id = await TrainingJobsApiClient.CreateAsync(client, new
        {
            module = "metered",
            sampleDataset = "emails",
            optimizer = new { type = "labeled-few-shot", maxDemos = 12 },
        }, cts.Token);
        var events = await TrainingJobsApiClient.FollowAsync(client, id, cts.Token);

        Assert.Equal("succeeded", (string?)events[^1].Job["status"]);
        // The worker records the metrics right after it marks the job succeeded, so the stream can end first.
        await best.WaitForMeasurementsAsync(1).WaitAsync(cts.Token);
        var ended = Assert.Single(jobs.GetMeasurementSnapshot());
        Assert.Equal(1, ended.Value);
        Assert.Equal("succeeded", ended.Tags["logillm.job.status"]);
        Assert.Equal("metered", ended.Tags["logillm.module"]);
        Assert.True(Assert.Single(trials.GetMeasurementSnapshot()).Value >= 1);
        Assert.Equal((double)events[^1].Job["result"]!["bestScore"]!, Assert.Single(best.GetMeasurementSnapshot()).Value, 6);
    }

    public static TheoryData<string, string, string> BadRequests() => new()
    {
        { "unknown optimizer", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"type":"genetic"}}""", "optimizer.type" },
        { "bad optimizer option", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"type":"labeled-few-shot","maxDemos":-3}}""", "optimizer.maxDemos" },
        { "signature does not parse", """{"module":"m","signature":"email -> -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}]}""", "signature" },
        { "missing signature", """{"module":"m","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}]}""", "signature" },
        { "row misses an input", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}},{"inputs":{"text":"a"},"outputs":{"category":"b"}}]}""", "trainset[1].inputs.email" },
        { "row misses an output", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"label":"b"}}]}""", "trainset[0].outputs.category" },
        { "valset row misses an input", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"valset":[{"inputs":{},"outputs":{"category":"b"}}]}""", "valset[0].inputs.email" },
        { "empty trainset", """{"module":"m","signature":"email -> category","trainset":[]}""", "trainset" },
        { "no dataset at all", """{"module":"m","signature":"email -> category"}""", "trainset" },
        { "unknown sample", """{"module":"m","signature":"email -> category","sampleDataset":"tweets"}""", "sampleDataset" },
        { "sample and inline", """{"module":"m","signature":"email -> category","sampleDataset":"emails","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}]}""", "sampleDataset" },
        { "sample does not fit the signature", """{"module":"m","signature":"text -> label","sampleDataset":"emails"}""", "sampleDataset" },
        { "bad module name", """{"module":"../etc","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}]}""", "module" },
        { "missing module name", """{"signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}]}""", "module" },
        { "metric key not an output", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"metric":{"type":"accuracy","key":"email"}}""", "metric.key" },
        { "unknown metric", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"metric":{"type":"bleu","key":"category"}}""", "metric.type" },
        { "option of another optimizer", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"type":"labeled-few-shot","maxRounds":2}}""", "optimizer.maxRounds" },
        { "optimizer without a type", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"maxDemos":3}}""", "optimizer.type" },
        { "unknown search strategy", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"type":"hyperparameter","strategy":"annealing"}}""", "optimizer.strategy" },
        { "threshold out of range", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"type":"bootstrap-few-shot","metricThreshold":1.5}}""", "optimizer.metricThreshold" },
        { "bad parameter range", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"type":"hyperparameter"},"paramSpace":{"temperature":[1.0,0.0]}}""", "paramSpace.temperature" },
        { "grid of billions of configurations", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"type":"hyperparameter","strategy":"grid","gridResolution":50},"paramSpace":{"temperature":[0.0,1.0],"top_p":[0.0,1.0],"presence_penalty":[0.0,1.0],"frequency_penalty":[0.0,1.0],"a":[0.0,1.0],"b":[0.0,1.0]}}""", "paramSpace" },
        { "param space for a few-shot optimizer", """{"module":"m","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"type":"labeled-few-shot"},"paramSpace":{"temperature":[0.0,1.0]}}""", "paramSpace" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_is_400_naming_the_field_and_nothing_is_queued_or_written(string because, string body, string field)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);
        var client = host.CreateClient();

        using var response = await client.PostAsync("/api/training-jobs", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);

        var text = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{because}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonNode.Parse(text)!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey(field), $"{because}: expected an error for '{field}' in {text}");
        Assert.False(string.IsNullOrWhiteSpace((string?)errors[field]![0]));
        Assert.Empty(await host.Store.QueuedIdsAsync());
        await using var redis = await ConnectionMultiplexer.ConnectAsync(fixture.Redis.ConnectionString);
        Assert.Empty(redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: $"{prefix}:*"));
        Assert.False(Directory.Exists(registry) && Directory.EnumerateFileSystemEntries(registry).Any(), $"{because}: the registry was written to.");
    }

    [Theory]
    [InlineData("", "body")]
    [InlineData("null", "body")]
    [InlineData("{not json", "body")]
    [InlineData("[1, 2]", "body")]
    [InlineData("{\"module\": 42}", "module")]
    [InlineData("{\"module\": \"m\", \"trainset\": {\"a\": 1}}", "trainset")]
    public async Task A_body_that_is_not_a_job_is_400_naming_where_and_nothing_is_queued(string body, string field)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);
        var client = host.CreateClient();

        using var response = await client.PostAsync("/api/training-jobs", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);

        var text = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.NotNull(JsonNode.Parse(text)!["errors"]![field]);
        Assert.Empty(await host.Store.QueuedIdsAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_training_job_endpoints()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);

        var document = await host.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json", cts.Token);

        var paths = document!["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/training-jobs"));
        Assert.True(paths.ContainsKey("/api/training-jobs/{id}"));
        Assert.True(paths.ContainsKey("/api/training-jobs/{id}/events"));
        Assert.NotNull(paths["/api/training-jobs"]!["post"]!["requestBody"]);
    }

    [Fact]
    public async Task The_openapi_document_describes_each_optimizer_by_its_type_with_its_options_ranges_and_defaults()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);

        var document = (await host.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json", cts.Token))!;

        var schemas = document["components"]!["schemas"]!.AsObject();
        var optimizer = schemas["OptimizerSettings"]!;
        Assert.Equal("type", (string?)optimizer["discriminator"]!["propertyName"]);
        var mapping = optimizer["discriminator"]!["mapping"]!.AsObject().Select(m => m.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["bootstrap-few-shot", "hybrid", "hyperparameter", "labeled-few-shot"], mapping);
        var bootstrap = Schema(schemas, optimizer["discriminator"]!["mapping"]!["bootstrap-few-shot"]!);
        Assert.Equal(0, (double)bootstrap["properties"]!["metricThreshold"]!["minimum"]!);
        Assert.Equal(1, (double)bootstrap["properties"]!["metricThreshold"]!["maximum"]!);
        Assert.Equal(16, (int)bootstrap["properties"]!["maxLabeledDemos"]!["default"]!);
        Assert.Equal("integer", (string?)bootstrap["properties"]!["maxRounds"]!["type"]); // numbers only: no string form
        Assert.False(bootstrap["additionalProperties"]?.GetValue<bool>() ?? true);
        Assert.Equal(["type"], optimizer["required"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["module"], schemas["TrainingJobRequest"]!["required"]!.AsArray().Select(v => (string?)v));
        var hybrid = Schema(schemas, optimizer["discriminator"]!["mapping"]!["hybrid"]!);
        var strategies = Schema(schemas, hybrid["properties"]!["strategy"]!["$ref"]!)["enum"]!.AsArray().Select(v => (string?)v);
        Assert.Equal(["alternating", "joint", "sequential"], strategies);
        Assert.Equal(["accuracy", "exact-match", "f1"], schemas["MetricType"]!["enum"]!.AsArray().Select(v => (string?)v).OfType<string>());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_job_statuses_by_their_wire_names()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);

        var document = (await host.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json", cts.Token))!;

        var schemas = document["components"]!["schemas"]!.AsObject();
        var status = Schema(schemas, schemas["TrainingJob"]!["properties"]!["status"]!["$ref"]!);
        Assert.Equal(["queued", "running", "succeeded", "failed", "cancelled"], status["enum"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(schemas["TrainingJob"]!["properties"]!["status"]!["$ref"]!.ToString(), schemas["TrainingJobAccepted"]!["properties"]!["status"]!["$ref"]!.ToString());
    }

    /// <summary>A schema of the document by its <c>#/components/schemas/...</c> reference.</summary>
    private static JsonNode Schema(JsonObject schemas, JsonNode reference) => schemas[((string)reference!).Split('/')[^1]]!;

    [Fact]
    public async Task The_optimizer_type_may_follow_its_options_and_the_queued_job_keeps_them()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);
        var body = """{"module":"ordered","signature":"email -> category","trainset":[{"inputs":{"email":"a"},"outputs":{"category":"b"}}],"optimizer":{"maxRounds":3,"seed":11,"type":"bootstrap-few-shot"}}""";

        using var response = await host.CreateClient().PostAsync("/api/training-jobs", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);

        var text = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, text);
        var id = Assert.Single(await host.Store.QueuedIdsAsync());
        var spec = await host.Store.GetSpecAsync(id, cts.Token);
        var settings = Assert.IsType<BootstrapFewShotSettings>(spec!.Optimizer);
        Assert.Equal(new BootstrapFewShotSettings { MaxRounds = 3, Seed = 11 }, settings); // the rest are the record's defaults
    }

    [Fact]
    public async Task While_the_cache_is_down_the_job_api_answers_503_problem_details()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        using var redis = LogiLlm.Tests.Shared.RedisServerProcess.Start();
        await using var host = new JobsHost(redis.ConnectionString, registry, prefix, concurrency: 0);
        var client = host.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("offline"), cts.Token);

        redis.Dispose();
        using var create = await client.PostAsJsonAsync("/api/training-jobs", JobClient.InlineJob("offline"), cts.Token);
        using var status = await client.GetAsync($"/api/training-jobs/{id}", cts.Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status.StatusCode);
        Assert.Equal("application/problem+json", status.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_job_is_404_for_status_events_and_cancel()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);
        var client = host.CreateClient();
        var id = Guid.NewGuid().ToString("n");

        using var status = await client.GetAsync($"/api/training-jobs/{id}", cts.Token);
        using var events = await client.GetAsync($"/api/training-jobs/{id}/events", cts.Token);
        using var cancel = await client.DeleteAsync($"/api/training-jobs/{id}", cts.Token);
        using var junk = await client.GetAsync("/api/training-jobs/not-an-id", cts.Token);

        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, events.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, junk.StatusCode);
    }

    [Fact]
    public async Task A_queued_job_is_cancelled_at_once_and_leaves_the_queue()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);
        var client = host.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("never-run"), cts.Token);
        Assert.Equal([id], await host.Store.QueuedIdsAsync());

        using var cancel = await client.DeleteAsync($"/api/training-jobs/{id}", cts.Token);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal("cancelled", (string?)(await cancel.Content.ReadFromJsonAsync<JsonObject>(cts.Token))!["status"]);
        Assert.Empty(await host.Store.QueuedIdsAsync());
        var events = await TrainingJobsApiClient.FollowAsync(client, id, cts.Token);
        Assert.Equal(["cancelled"], events.Select(e => e.Event));
        using var again = await client.DeleteAsync($"/api/training-jobs/{id}", cts.Token);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_running_job_is_cancelled_promptly_and_publishes_nothing()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var runner = new GatedRunner();
        await using var host = fixture.Host(registry, prefix, runner: runner);
        var client = host.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("cancel-me"), cts.Token);
        await runner.Starts.Reader.ReadAsync(cts.Token);
        var running = await JobClient.WaitForStatusAsync(client, id, "running", cts.Token);
        Assert.Equal(host.Worker.WorkerId, (string?)running["worker"]);

        var follow = TrainingJobsApiClient.FollowAsync(client, id, cts.Token);
        using var cancel = await client.DeleteAsync($"/api/training-jobs/{id}", cts.Token);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.True((bool)(await cancel.Content.ReadFromJsonAsync<JsonObject>(cts.Token))!["cancelRequested"]!);
        var events = await follow;
        Assert.Equal("cancelled", events[^1].Event);
        Assert.Equal(["cancel-me"], runner.Cancelled);
        Assert.Empty(runner.Finished);
        using var versions = await client.GetAsync("/api/modules/cancel-me/versions", cts.Token);
        Assert.Equal(HttpStatusCode.NotFound, versions.StatusCode);
        using var late = await client.DeleteAsync($"/api/training-jobs/{id}", cts.Token);
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
    }

    [Fact]
    public async Task Progress_is_reported_while_running_and_a_failing_optimizer_fails_the_job_with_its_error()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var runner = new GatedRunner();
        await using var host = fixture.Host(registry, prefix, runner: runner);
        var client = host.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("progress"), cts.Token);
        await runner.Starts.Reader.ReadAsync(cts.Token);

        JsonObject job;
        do
        {
            job = await TrainingJobsApiClient.GetAsync(client, id, cts.Token);
        }
        while ((int)job["progress"]!["done"]! != 1 && !cts.IsCancellationRequested);

        Assert.Equal(2, (int)job["progress"]!["total"]!);
        Assert.Equal(0.25, (double)job["progress"]!["bestScore"]!);
        using var finished = await client.DeleteAsync($"/api/training-jobs/{id}", cts.Token);
        await JobClient.WaitForStatusAsync(client, id, "cancelled", cts.Token);

        var (registry2, prefix2) = fixture.NewDeployment();
        await using var failing = fixture.Host(registry2, prefix2, runner: new FailingRunner());
        var failingClient = failing.CreateClient();
        var failed = await TrainingJobsApiClient.CreateAsync(failingClient, JobClient.InlineJob("boom"), cts.Token);
        var events = await TrainingJobsApiClient.FollowAsync(failingClient, failed, cts.Token);
        Assert.Equal("failed", events[^1].Event);
        Assert.Contains("exploded on purpose", (string?)events[^1].Job["error"]);
        using var conflict = await failingClient.DeleteAsync($"/api/training-jobs/{failed}", cts.Token);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
    }

    [Theory]
    [InlineData("bootstrap-few-shot", """{"type":"bootstrap-few-shot","maxBootstrappedDemos":4,"maxLabeledDemos":8}""", null)]
    [InlineData("hyperparameter", """{"type":"hyperparameter","trials":4,"seed":7}""", """{"temperature":[0.0,1.0]}""")]
    [InlineData("hybrid", """{"type":"hybrid","strategy":"sequential","iterations":1,"trials":3}""", """{"temperature":[0.0,1.0],"top_p":{"choices":[0.9,1.0]}}""")]
    public async Task Every_optimizer_type_trains_the_emails_sample(string type, string optimizer, string? paramSpace)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix);
        var client = host.CreateClient();
        var body = new JsonObject
        {
            ["module"] = $"emails-{type}",
            ["sampleDataset"] = "emails",
            ["optimizer"] = JsonNode.Parse(optimizer),
            ["metric"] = new JsonObject { ["type"] = "accuracy", ["key"] = "category" },
        };
        if (paramSpace is not null)
        {
            body["paramSpace"] = JsonNode.Parse(paramSpace);
        }

        var id = await TrainingJobsApiClient.CreateAsync(client, body, cts.Token);
        var events = await TrainingJobsApiClient.FollowAsync(client, id, cts.Token);

        var done = events[^1].Job;
        Assert.True((string?)done["status"] == "succeeded", done.ToJsonString());
        Assert.Equal(type, (string?)done["optimizer"]);
        Assert.Contains(events, e => e.Event == "running" && (int)e.Job["progress"]!["total"]! > 0);
        var document = JsonNode.Parse(await client.GetStringAsync($"/api/modules/emails-{type}/versions/latest", cts.Token))!;
        Assert.Equal("optimized", (string?)document["state"]);
        Assert.NotNull(document["metadata"]!["optimization"]!["best_score"]);
    }
}
