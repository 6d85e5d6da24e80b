using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using StackExchange.Redis;

namespace LogiLlm.AppHost.Tests;

/// <summary>Training jobs end to end with two trainer replicas sharing the queue in the cache.</summary>
public abstract class TrainingJobsScenarios(TrainingJobsAppFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    protected DistributedApplication App => fixture.App;

    [Fact]
    public async Task The_emails_sample_trains_through_the_api_over_server_sent_events_into_versions_1_and_2_and_is_served()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = App.CreateHttpClient("trainer");
        using var inference = App.CreateHttpClient("inference");
        var name = $"email-classifier-{Guid.NewGuid():n}"[..30];

        var id = await TrainingJobsApiClient.CreateAsync(trainer, TrainingJobsClient.EmailsJob(name), cts.Token);
        var events = await TrainingJobsApiClient.FollowAsync(trainer, id, cts.Token);

        Assert.Equal("succeeded", events[^1].Event);
        Assert.Contains(events, e => e.Event == "running");
        var result = events[^1].Job["result"]!;
        Assert.Equal(name, (string?)result["module"]);
        Assert.Equal(1, (int)result["version"]!);
        Assert.True((double)result["bestScore"]! >= (double)result["baselineScore"]!);

        var versions = await trainer.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions", cts.Token);
        Assert.Equal([1], versions!["versions"]!.AsArray().Select(v => (int)v!["version"]!));
        Assert.Equal(1, (int)versions["aliases"]!["latest"]!);
        var document = JsonNode.Parse(await trainer.GetStringAsync($"/api/modules/{name}/versions/latest", cts.Token))!;
        Assert.Equal("optimized", (string?)document["state"]);
        Assert.Equal(id, (string?)document["metadata"]!["training_job"]!["id"]);
        Assert.Equal("LabeledFewShot", (string?)document["metadata"]!["optimization"]!["optimizer"]);

        var second = await TrainingJobsApiClient.CreateAsync(trainer, TrainingJobsClient.EmailsJob(name), cts.Token);
        var secondEvents = await TrainingJobsApiClient.FollowAsync(trainer, second, cts.Token);
        Assert.Equal("succeeded", secondEvents[^1].Event);
        Assert.Equal(2, (int)secondEvents[^1].Job["result"]!["version"]!);
        versions = await trainer.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions", cts.Token);
        Assert.Equal([1, 2], versions!["versions"]!.AsArray().Select(v => (int)v!["version"]!));
        Assert.Equal(2, (int)versions["aliases"]!["latest"]!);

        // The trainer announces version 2 after publishing it; inference switches `latest` once the announcement
        // arrives and the new version is loaded, so until then it may still (correctly) answer with version 1.
        JsonNode answer;
        while (true)
        {
            using var predict = await inference.PostAsJsonAsync(
                $"/api/modules/{name}/predict", new { inputs = new { email = "I was charged twice for one order, please fix my invoice" } }, cts.Token);
            answer = JsonNode.Parse(await predict.Content.ReadAsStringAsync(cts.Token))!;
            Assert.True(predict.StatusCode == HttpStatusCode.OK, answer.ToJsonString());
            Assert.InRange((int)answer["version"]!, 1, 2);
            if ((int)answer["version"]! == 2)
            {
                break;
            }

            await Task.Delay(100, cts.Token);
        }

        Assert.False(string.IsNullOrWhiteSpace((string?)answer["outputs"]!["category"]));
    }

    [Fact]
    public async Task Two_trainer_replicas_share_a_queue_of_jobs_and_each_job_runs_once()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = App.CreateHttpClient("trainer");
        var prefix = $"shared-{Guid.NewGuid():n}"[..15];

        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await TrainingJobsApiClient.CreateAsync(trainer, TrainingJobsClient.EmailsJob($"{prefix}-{i}", hyperparameterTrials: 15), cts.Token));
        }

        var jobs = new List<JsonObject>();
        foreach (var id in ids)
        {
            jobs.Add(await TrainingJobsClient.WaitUntilAsync(trainer, id, j => (bool)j["isTerminal"]!, cts.Token));
        }

        Assert.All(jobs, j => Assert.Equal("succeeded", (string?)j["status"]));
        Assert.All(jobs, j => Assert.Equal(1, (int)j["attempts"]!));
        var workers = jobs.Select(j => (string)j["worker"]!).Distinct().ToArray();
        Assert.True(workers.Length == 2, $"Expected both replicas to run jobs, saw: {string.Join(", ", workers)}");
        for (var i = 0; i < ids.Count; i++)
        {
            var versions = await trainer.GetFromJsonAsync<JsonObject>($"/api/modules/{prefix}-{i}/versions", cts.Token);
            Assert.Single(versions!["versions"]!.AsArray());
        }
    }

    public static TheoryData<string, string> BadRequests() => new()
    {
        { """{"module":"bad-optimizer","signature":"email -> category","sampleDataset":"emails","optimizer":{"type":"genetic"}}""", "optimizer.type" },
        { """{"module":"bad-signature","signature":"email -> -> category","sampleDataset":"emails"}""", "signature" },
        { """{"module":"bad-row","signature":"email -> category","trainset":[{"inputs":{"text":"hi"},"outputs":{"category":"feedback"}}]}""", "trainset[0].inputs.email" },
        { """{"module":"empty-set","signature":"email -> category","trainset":[]}""", "trainset" },
        { """{"module":"bad-sample","signature":"email -> category","sampleDataset":"tweets"}""", "sampleDataset" },
        { """{"module":"../escape","signature":"email -> category","sampleDataset":"emails"}""", "module" },
        { """{"module":"bad-metric","signature":"email -> category","sampleDataset":"emails","metric":{"type":"accuracy","key":"label"}}""", "metric.key" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_training_request_is_400_naming_the_problem_and_nothing_is_queued_or_written(string body, string field)
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = App.CreateHttpClient("trainer");
        var connectionString = await App.GetConnectionStringAsync("cache", cts.Token);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString!);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var jobsBefore = server.Keys(pattern: "logillm:jobs:job:*").Count();
        var module = (string)JsonNode.Parse(body)!["module"]!;

        using var response = await trainer.PostAsync("/api/training-jobs", new StringContent(body, Encoding.UTF8, "application/json"), cts.Token);

        var text = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(text)!["errors"]![field]);
        Assert.Equal(jobsBefore, server.Keys(pattern: "logillm:jobs:job:*").Count());
        Assert.Equal(0, await redis.GetDatabase().ListLengthAsync("logillm:jobs:queue"));
        Assert.False(Directory.Exists(Path.Combine(fixture.RegistryPath, module)));
    }
}

[Collection(TrainingJobsRedisCollection.Name)]
public sealed class TrainingJobsOnRedisServer(TrainingJobsRedisFixture fixture) : TrainingJobsScenarios(fixture);

[Collection(TrainingJobsGarnetCollection.Name)]
public sealed class TrainingJobsOnGarnet(TrainingJobsGarnetFixture fixture) : TrainingJobsScenarios(fixture);
