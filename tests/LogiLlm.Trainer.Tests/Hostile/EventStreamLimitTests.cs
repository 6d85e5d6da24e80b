using System.Net;
using System.Text.Json.Nodes;
using LogiLlm.Tests.Shared;
using LogiLlm.Trainer.Tests.Jobs;
using Microsoft.AspNetCore.Hosting;

namespace LogiLlm.Trainer.Tests.Hostile;

/// <summary>Event streams of training jobs cannot be held open forever or opened without bound.</summary>
public sealed class EventStreamLimitTests(JobsRedisFixture fixture) : IClassFixture<JobsRedisFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_stream_of_a_job_nobody_claims_sends_heartbeat_comments_and_ends_at_its_maximum_lifetime()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);
        await using var configured = host.WithWebHostBuilder(b =>
        {
            b.UseSetting("TrainingJobs:EventHeartbeatInterval", "00:00:00.100");
            b.UseSetting("TrainingJobs:MaxEventStreamLifetime", "00:00:01.500");
        });
        var client = configured.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("never-claimed"), cts.Token);

        using var response = await client.GetAsync($"/api/training-jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        // Reading to the end only returns because the stream ends: before the limit it polled forever.
        var lines = (await response.Content.ReadAsStringAsync(cts.Token)).Split('\n');

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["event: queued"], lines.Where(l => l.StartsWith("event:", StringComparison.Ordinal)));
        Assert.Contains(": heartbeat", lines);
        Assert.Equal(": stream lifetime reached; reconnect to keep following", lines.Last(l => l.Length > 0));
        Assert.Equal(id, (string?)JsonNode.Parse(lines.Single(l => l.StartsWith("data:", StringComparison.Ordinal))["data:".Length..])!["id"]);
    }

    [Fact]
    public async Task Past_the_cap_of_open_streams_the_answer_is_503_with_retry_after_and_a_closed_stream_frees_its_slot()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        await using var host = fixture.Host(registry, prefix, concurrency: 0);
        await using var configured = host.WithWebHostBuilder(b => b.UseSetting("TrainingJobs:MaxConcurrentEventStreams", "1"));
        var client = configured.CreateClient();
        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("capped"), cts.Token);

        var first = await client.GetAsync($"/api/training-jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        var reader = new StreamReader(await first.Content.ReadAsStreamAsync(cts.Token));
        var revision = (long)(await TrainingJobsApiClient.GetAsync(client, id, cts.Token))["revision"]!;
        Assert.Equal($"id: {revision}", await reader.ReadLineAsync(cts.Token));

        using (var refused = await client.GetAsync($"/api/training-jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(refused.Headers.RetryAfter);
            Assert.Contains("TrainingJobs:MaxConcurrentEventStreams", (string?)JsonNode.Parse(await refused.Content.ReadAsStringAsync(cts.Token))!["detail"]);
        }

        // The client hangs up: its slot is released when the server sees it.
        reader.Dispose();
        first.Dispose();
        HttpStatusCode status;
        do
        {
            using var again = await client.GetAsync($"/api/training-jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
            status = again.StatusCode;
        }
        while (status == HttpStatusCode.ServiceUnavailable && !cts.IsCancellationRequested);

        Assert.Equal(HttpStatusCode.OK, status);
    }
}
