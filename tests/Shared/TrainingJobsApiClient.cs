using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Xunit;

namespace LogiLlm.Tests.Shared;

/// <summary>Small client for the trainer's training job API, shared by the service and full-graph tests.</summary>
public static class TrainingJobsApiClient
{
    public static async Task<string> CreateAsync(HttpClient trainer, object request, CancellationToken cancellationToken)
    {
        using var response = await trainer.PostAsJsonAsync("/api/training-jobs", request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        var id = (string)JsonNode.Parse(body)!["id"]!;
        Assert.Equal($"/api/training-jobs/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    public static async Task<JsonObject> GetAsync(HttpClient trainer, string id, CancellationToken cancellationToken) =>
        (await trainer.GetFromJsonAsync<JsonObject>($"/api/training-jobs/{id}", cancellationToken))!;

    /// <summary>Reads the job's server-sent events until the stream ends (after a terminal state).</summary>
    public static async Task<IReadOnlyList<(string Event, JsonObject Job)>> FollowAsync(HttpClient trainer, string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/training-jobs/{id}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await trainer.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var events = new List<(string, JsonObject)>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            events.Add((item.EventType, JsonNode.Parse(item.Data)!.AsObject()));
        }

        return events;
    }

    /// <summary>Polls until <paramref name="done"/> holds for the job (bounded by the token).</summary>
}
