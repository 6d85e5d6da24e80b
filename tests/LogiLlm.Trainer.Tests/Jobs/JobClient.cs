using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>Small client for the training job API.</summary>
public static class JobClient
{
    public static async Task<string> CreateAsync(HttpClient client, object request, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync("/api/training-jobs", request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {body}");
        var id = (string)JsonNode.Parse(body)!["id"]!;
        Assert.Equal($"/api/training-jobs/{id}", response.Headers.Location?.OriginalString);
        return id;
    }

    public static async Task<JsonObject> GetAsync(HttpClient client, string id, CancellationToken cancellationToken) =>
        (await client.GetFromJsonAsync<JsonObject>($"/api/training-jobs/{id}", cancellationToken))!;

    /// <summary>Reads the job's server-sent events until the stream ends (after a terminal state).</summary>
    public static async Task<IReadOnlyList<(string Event, JsonObject Job)>> FollowAsync(HttpClient client, string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/training-jobs/{id}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
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

    /// <summary>Polls until the job has <paramref name="status"/> (bounded by the token).</summary>
    public static async Task<JsonObject> WaitForStatusAsync(HttpClient client, string id, string status, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await GetAsync(client, id, cancellationToken);
            if ((string?)job["status"] == status)
            {
                return job;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public static object InlineJob(string module, string optimizer = "labeled-few-shot") => new
    {
        module,
        signature = "email: str -> category: str",
        instructions = "Classify customer emails by category",
        trainset = new[]
        {
            new { inputs = new { email = "Please refund my order" }, outputs = new { category = "refund_request" } },
            new { inputs = new { email = "Where is my parcel?" }, outputs = new { category = "order_status" } },
            new { inputs = new { email = "I was charged twice this month" }, outputs = new { category = "billing_issue" } },
        },
        valset = new[]
        {
            new { inputs = new { email = "Please refund my order" }, outputs = new { category = "refund_request" } },
            new { inputs = new { email = "Where is my parcel?" }, outputs = new { category = "order_status" } },
        },
        optimizer = new { type = optimizer },
        metric = new { type = "accuracy", key = "category" },
    };
}
