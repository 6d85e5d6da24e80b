using System.Net;
using System.Text.Json.Nodes;
using LogiLlm.Tests.Shared;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Tests.Hostile;

/// <summary>What every answer to a hostile request must be: a ProblemDetails with the expected status, nothing left behind.</summary>
internal static class HostileAssert
{
    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {Preview(body)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)expected, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["title"]), "The problem has no title.");
        Assert.True(problem["detail"] is not null || problem["errors"] is JsonObject { Count: > 0 }, $"The problem names nothing: {Preview(body)}");
        return problem;
    }

    public static void NothingWritten(string registryPath) =>
        Assert.Empty(Directory.Exists(registryPath) ? Directory.EnumerateFiles(registryPath, "*", SearchOption.AllDirectories) : []);

    public static async Task NothingQueuedAsync(RedisServerProcess redis, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var jobs = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "*:job:*").WithCancellation(cancellationToken))
        {
            jobs.Add(key);
        }

        Assert.Empty(jobs);
        var queues = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "*:queue").WithCancellation(cancellationToken))
        {
            queues.Add(key);
        }

        foreach (var queue in queues)
        {
            Assert.Equal(0, await connection.GetDatabase().ListLengthAsync(queue));
        }
    }

    private static string Preview(string body) => body.Length <= 500 ? body : body[..500] + "...";
}
