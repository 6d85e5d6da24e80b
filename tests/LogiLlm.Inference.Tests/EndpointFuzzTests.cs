using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace LogiLlm.Inference.Tests;

/// <summary>
/// Fuzz-style sweep over both services' endpoints: malformed JSON at every nesting (every truncation of a valid body),
/// wrong types at every field, deep nesting, long strings, oversized bodies, wrong media types, odd names and refs.
/// Every answer is below 500, every error a ProblemDetails naming the problem, and no refused request writes to the
/// registry or queues a job.
/// </summary>
public sealed class EndpointFuzzTests(ITestOutputHelper output)
{
    private const string KeyPrefix = "fuzz:jobs";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private static readonly string[] OddNames =
    [
        "-bad", "a%20b", ".hidden", "%2e%2e", "a%2Fb", "%EF%BD%86%EF%BD%95%EF%BD%8C%EF%BD%8C", "%E2%80%AEevil", "%F0%9F%98%80",
        new string('n', 129), "a@b@c", "name@", "@1", "emails@-1", "emails@0", "emails@99999999999", "emails@%20", "emails@..", "a;b", "a'b", "a%22b",
    ];

    private static JsonNode[] WrongValues() =>
    [
        "x", "", 0, -1, 1.5, 1e300, 2147483648L, true, false, null!, new JsonArray(), new JsonObject(),
        new JsonArray("a", 1, null), new JsonObject { ["x"] = new JsonObject() },
    ];

    private sealed record Endpoint(string Service, string Method, string Path, string? Body);

    private sealed record Case(string Service, string Method, string Path, HttpContent? Content, string Label);

    [Fact]
    public async Task No_hostile_request_to_either_service_gets_a_5xx_a_bare_error_or_leaves_anything_behind()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var services = new ServicePair(
            inference: new(new Dictionary<string, string> { ["Inference:MaxRequestBodyBytes"] = "65536", ["Inference:MaxBatchRequestBodyBytes"] = "131072" }),
            trainer: new(new Dictionary<string, string>
            {
                ["TrainingJobs:Concurrency"] = "0",
                ["TrainingJobs:KeyPrefix"] = KeyPrefix,
                ["Registry:MaxDocumentBytes"] = "262144",
            }));
        using var trainer = services.CreateTrainerClient();
        using var inference = services.CreateInferenceClient();
        var fixture = await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cts.Token);
        using (var seeded = await trainer.PostAsync("/api/modules/emails/versions", Json(fixture), cts.Token))
        {
            Assert.Equal(HttpStatusCode.Created, seeded.StatusCode);
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(services.Redis.ConnectionString);
        var failures = new List<string>();
        var counts = new Dictionary<string, int>();
        foreach (var @case in Cases(fixture))
        {
            counts[@case.Service] = counts.GetValueOrDefault(@case.Service) + 1;
            var filesBefore = RegistryFiles(services.RegistryPath);
            var jobsBefore = await JobCountAsync(redis, cts.Token);
            var client = @case.Service == "trainer" ? trainer : inference;
            using var request = new HttpRequestMessage(new HttpMethod(@case.Method), @case.Path) { Content = @case.Content };
            using var response = await client.SendAsync(request, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            var status = (int)response.StatusCode;
            var where = $"{@case.Method} {@case.Path} [{@case.Label}] -> {status}";
            if (status >= 500)
            {
                failures.Add($"{where}: {Preview(body)}");
                continue;
            }

            if (status < 400)
            {
                continue;
            }

            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json" || !NamesTheProblem(body))
            {
                failures.Add($"{where}: not a ProblemDetails naming the problem: {Preview(body)}");
            }

            if (RegistryFiles(services.RegistryPath) != filesBefore)
            {
                failures.Add($"{where}: the registry changed");
            }

            if (await JobCountAsync(redis, cts.Token) != jobsBefore)
            {
                failures.Add($"{where}: a job was queued");
            }
        }

        output.WriteLine($"Fuzz cases: trainer {counts["trainer"]}, inference {counts["inference"]}, total {counts.Values.Sum()}.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {counts.Values.Sum()} cases failed:\n{string.Join("\n", failures.Take(40))}");
    }

    private static IEnumerable<Case> Cases(string moduleDocument)
    {
        var job = """
            {"module": "fuzzed", "signature": "email: str -> category: str", "instructions": "Classify",
             "trainset": [{"inputs": {"email": "a"}, "outputs": {"category": "b"}}],
             "optimizer": {"type": "labeled-few-shot", "maxDemos": 4, "seed": 1}, "metric": {"type": "accuracy", "key": "category"}}
            """;
        var predict = """{"inputs": {"email": "Where is my order?"}}""";
        var batch = """{"items": [{"inputs": {"email": "Where is my order?"}}, {"inputs": {"email": "Refund"}}]}""";
        Endpoint[] withBodies =
        [
            new("trainer", "POST", "/api/training-jobs", job),
            new("trainer", "POST", "/api/modules/fuzzed/versions", moduleDocument),
            new("trainer", "PUT", "/api/modules/emails/aliases/prod", """{"version": 1}"""),
            new("inference", "POST", "/api/modules/emails/predict", predict),
            new("inference", "POST", "/api/modules/emails/prompt", predict),
            new("inference", "POST", "/api/modules/emails/predict-batch", batch),
        ];

        foreach (var endpoint in withBodies)
        {
            var text = JsonNode.Parse(endpoint.Body!)!.ToJsonString();
            // Malformed JSON at every nesting: every truncation (every 7th of the long module file) and stray closers.
            var step = text.Length > 1000 ? 7 : 1;
            for (var length = 0; length < text.Length; length += step)
            {
                yield return Make(endpoint, Json(text[..length]), $"truncated at {length}");
            }

            yield return Make(endpoint, Json(text + "}"), "extra brace");
            yield return Make(endpoint, Json(text.Replace("\"", "'", StringComparison.Ordinal)), "single quotes");

            // Wrong types, deep nesting and long strings at every field.
            var root = JsonNode.Parse(text)!;
            foreach (var path in Paths(root).Where(p => p.Length > 0))
            {
                foreach (var wrong in WrongValues())
                {
                    yield return Make(endpoint, Json(Replace(root, path, wrong?.DeepClone())), $"{string.Join('.', path)} = {wrong?.ToJsonString() ?? "null"}");
                }

                yield return Make(endpoint, Json(Replace(root, path, null, raw: new string('[', 5000) + new string(']', 5000))), $"{string.Join('.', path)} nested 5000 deep");
                yield return Make(endpoint, Json(Replace(root, path, null, raw: string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200))), $"{string.Join('.', path)} objects nested 200 deep");
                yield return Make(endpoint, Json(Replace(root, path, new string('x', 20_000))), $"{string.Join('.', path)} = 20k string");
            }

            // Oversized bodies: past each endpoint's limit, announced and not.
            var huge = Replace(root, [], null, raw: $$"""{"padding": "{{new string('x', 300_000)}}"}""");
            yield return Make(endpoint, Json(huge), "oversized");
            yield return Make(endpoint, new StringContent("{\"inputs\": {}}", Encoding.UTF8, "text/plain"), "text/plain");
            yield return Make(endpoint, new ByteArrayContent([0xFF, 0xFE, 0x00, 0x7B]) { Headers = { ContentType = new("application/json") } }, "invalid UTF-8");
            yield return Make(endpoint, null, "no body");
        }

        // Odd names and refs in every route that takes one.
        foreach (var name in OddNames)
        {
            yield return new("trainer", "GET", $"/api/modules/{name}/versions", null, "odd name");
            yield return new("trainer", "GET", $"/api/modules/{name}/versions/latest", null, "odd name");
            yield return new("trainer", "GET", $"/api/modules/emails/versions/{name}", null, "odd version");
            yield return new("trainer", "POST", $"/api/modules/{name}/versions", Json(moduleDocument), "odd name");
            yield return new("trainer", "PUT", $"/api/modules/{name}/aliases/prod", Json("""{"version": 1}"""), "odd name");
            yield return new("trainer", "PUT", $"/api/modules/emails/aliases/{name}", Json("""{"version": 1}"""), "odd alias");
            yield return new("trainer", "GET", $"/api/training-jobs/{name}", null, "odd id");
            yield return new("trainer", "GET", $"/api/training-jobs/{name}/events", null, "odd id");
            yield return new("trainer", "DELETE", $"/api/training-jobs/{name}", null, "odd id");
            yield return new("inference", "GET", $"/api/modules/{name}", null, "odd ref");
            yield return new("inference", "GET", $"/api/modules/{name}/prompt", null, "odd ref");
            yield return new("inference", "POST", $"/api/modules/{name}/predict", Json("""{"inputs": {"email": "x"}}"""), "odd ref");
            yield return new("inference", "POST", $"/api/modules/{name}/predict-batch", Json("""{"items": [{"inputs": {"email": "x"}}]}"""), "odd ref");
        }
    }

    private static Case Make(Endpoint endpoint, HttpContent? content, string label) => new(endpoint.Service, endpoint.Method, endpoint.Path, content, label);

    /// <summary>Every path to a node: property names and array indexes.</summary>
    private static IEnumerable<object[]> Paths(JsonNode node, List<object>? prefix = null)
    {
        prefix ??= [];
        yield return prefix.ToArray();
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    if (child is not null)
                    {
                        foreach (var p in Paths(child, [.. prefix, key]))
                        {
                            yield return p;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child)
                    {
                        foreach (var p in Paths(child, [.. prefix, i]))
                        {
                            yield return p;
                        }
                    }
                }

                break;
        }
    }

    /// <summary>The document with the node at <paramref name="path"/> replaced (by a value, or by raw JSON text); the empty path adds <paramref name="raw"/>'s members.</summary>
    private static string Replace(JsonNode root, object[] path, JsonNode? value, string? raw = null)
    {
        const string Marker = "\"__fuzz_marker__\"";
        var copy = root.DeepClone();
        if (path.Length == 0)
        {
            var obj = copy.AsObject();
            foreach (var (key, node) in JsonNode.Parse(raw!)!.AsObject().ToList())
            {
                obj[key] = node?.DeepClone();
            }

            return copy.ToJsonString();
        }

        var parent = copy;
        foreach (var step in path[..^1])
        {
            parent = step is int i ? parent![i] : parent![(string)step];
        }

        JsonNode? replacement = raw is null ? value : JsonValue.Create("__fuzz_marker__");
        if (path[^1] is int index)
        {
            parent![index] = replacement;
        }
        else
        {
            parent![(string)path[^1]] = replacement;
        }

        var text = copy.ToJsonString();
        return raw is null ? text : text.Replace(Marker, raw, StringComparison.Ordinal);
    }

    private static bool NamesTheProblem(string body)
    {
        try
        {
            var problem = JsonNode.Parse(body) as JsonObject;
            return problem is not null
                && !string.IsNullOrWhiteSpace((string?)problem["title"])
                && problem["status"] is not null
                && (!string.IsNullOrWhiteSpace((string?)problem["detail"]) || problem["errors"] is JsonObject { Count: > 0 });
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static int RegistryFiles(string path) =>
        Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Count() : 0;

    private static async Task<int> JobCountAsync(ConnectionMultiplexer redis, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var _ in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(pattern: $"{KeyPrefix}:job:*").WithCancellation(cancellationToken))
        {
            count++;
        }

        return count + (int)await redis.GetDatabase().ListLengthAsync($"{KeyPrefix}:queue");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Preview(string body) => body.Length <= 300 ? body : body[..300] + "...";
}
