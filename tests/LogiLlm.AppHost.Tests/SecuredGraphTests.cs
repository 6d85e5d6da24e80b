using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace LogiLlm.AppHost.Tests;

/// <summary>
/// Who may call what, end to end, with the keys given to the AppHost as parameters: anonymous callers get 401, role
/// predict may only predict, role admin may do everything (inference calls the trainer with the admin key, and the
/// trainer refuses calls without it), and a caller over its rate limit gets a 429 with Retry-After. Every refusal is a
/// ProblemDetails.
/// </summary>
[Collection(SecuredAppCollection.Name)]
public sealed class SecuredGraphTests(SecuredAppFixture fixture)
{
    private static readonly TimeSpan Timeout = AppHostFixture.RequestTimeout;

    private static readonly object Inputs = new { inputs = new { email = "Where is my order?" } };

    private async Task<string> ImportAsync(CancellationToken cancellationToken)
    {
        var name = $"secured-{Guid.NewGuid():n}"[..24];
        using var trainer = fixture.Client("trainer", fixture.AdminKey);
        var document = await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cancellationToken);
        using var import = await trainer.PostAsync($"/api/modules/{name}/versions", new StringContent(document, Encoding.UTF8, "application/json"), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, import.StatusCode);
        return name;
    }

    private static async Task<JsonNode> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, (int)problem["status"]!);
        // It says what is wrong: a detail, or the fields at fault.
        Assert.True(!string.IsNullOrWhiteSpace((string?)problem["detail"]) || problem["errors"] is JsonObject { Count: > 0 }, body);
        return problem;
    }

    private static async Task AssertOkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
    }

    [Fact]
    public async Task Anonymous_callers_get_401_everywhere_but_health()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await ImportAsync(cts.Token);
        using var inference = fixture.Client("inference", null);
        using var trainer = fixture.Client("trainer", null);

        var problem = await AssertProblemAsync(await inference.PostAsJsonAsync($"/api/modules/{name}/predict", Inputs, cts.Token), HttpStatusCode.Unauthorized);
        Assert.Contains("X-Api-Key", (string?)problem["detail"]);
        await AssertProblemAsync(await inference.GetAsync($"/api/modules/{name}", cts.Token), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await trainer.GetAsync("/api/modules", cts.Token), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await trainer.GetAsync($"/api/modules/{name}/versions/latest", cts.Token), HttpStatusCode.Unauthorized);

        using var wrongKey = fixture.Client("inference", "not-a-key-of-this-deployment");
        using var refused = await wrongKey.PostAsJsonAsync($"/api/modules/{name}/predict", Inputs, cts.Token);
        await AssertProblemAsync(refused, HttpStatusCode.Unauthorized);
        Assert.Contains(refused.Headers.WwwAuthenticate, h => h.Scheme == "ApiKey");

        foreach (var client in new[] { inference, trainer })
        {
            using var health = await client.GetAsync("/health", cts.Token);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            using var alive = await client.GetAsync("/alive", cts.Token);
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }
    }

    [Fact]
    public async Task The_predict_key_may_predict_and_nothing_else()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await ImportAsync(cts.Token);
        using var inference = fixture.Client("inference", fixture.PredictKey);
        using var bearer = fixture.Client("inference", fixture.PredictKey, asBearer: true);
        using var trainer = fixture.Client("trainer", fixture.PredictKey);

        // Predicting makes inference fetch the module from the trainer, which only answers the admin key.
        using var predicted = await inference.PostAsJsonAsync($"/api/modules/{name}/predict", Inputs, cts.Token);
        await AssertOkAsync(predicted);
        Assert.Equal("order_status", (string?)(await predicted.Content.ReadFromJsonAsync<JsonObject>(cts.Token))!["outputs"]!["category"]);
        await AssertOkAsync(await bearer.PostAsJsonAsync($"/api/modules/{name}/predict-batch", new { items = new[] { Inputs, Inputs } }, cts.Token));

        await AssertProblemAsync(await inference.GetAsync($"/api/modules/{name}", cts.Token), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await inference.GetAsync($"/api/modules/{name}/prompt", cts.Token), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await inference.PostAsJsonAsync($"/api/modules/{name}/prompt", Inputs, cts.Token), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await trainer.GetAsync("/api/modules", cts.Token), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await trainer.GetAsync($"/api/modules/{name}/versions", cts.Token), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await trainer.PutAsJsonAsync($"/api/modules/{name}/aliases/prod", new { version = 1 }, cts.Token), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await trainer.PostAsJsonAsync("/api/training-jobs", TrainingJobsClient.EmailsJob(name), cts.Token), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_admin_key_may_do_everything()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await ImportAsync(cts.Token);
        using var inference = fixture.Client("inference", fixture.AdminKey);
        using var trainer = fixture.Client("trainer", fixture.AdminKey, asBearer: true);

        await AssertOkAsync(await inference.PostAsJsonAsync($"/api/modules/{name}/predict", Inputs, cts.Token));
        await AssertOkAsync(await inference.PostAsJsonAsync($"/api/modules/{name}/predict-batch", new { items = new[] { Inputs } }, cts.Token));
        await AssertOkAsync(await inference.GetAsync($"/api/modules/{name}", cts.Token));
        await AssertOkAsync(await inference.GetAsync($"/api/modules/{name}/prompt", cts.Token));
        await AssertOkAsync(await inference.PostAsJsonAsync($"/api/modules/{name}/prompt", Inputs, cts.Token));
        await AssertOkAsync(await trainer.GetAsync("/api/modules", cts.Token));
        await AssertOkAsync(await trainer.GetAsync($"/api/modules/{name}/versions", cts.Token));
        await AssertOkAsync(await trainer.GetAsync($"/api/modules/{name}/versions/1", cts.Token));
        await AssertOkAsync(await trainer.PutAsJsonAsync($"/api/modules/{name}/aliases/prod", new { version = 1 }, cts.Token));

        using var created = await trainer.PostAsJsonAsync("/api/training-jobs", TrainingJobsClient.EmailsJob($"{name}-trained"), cts.Token);
        await AssertOkAsync(created);
        var id = (string)(await created.Content.ReadFromJsonAsync<JsonObject>(cts.Token))!["id"]!;
        var done = await TrainingJobsClient.WaitUntilAsync(trainer, id, job => (string?)job["status"] is "succeeded" or "failed" or "cancelled", cts.Token);
        Assert.Equal("succeeded", (string?)done["status"]);
        using var events = await trainer.GetAsync($"/api/training-jobs/{id}/events", HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, events.StatusCode);
    }

    [Fact]
    public async Task A_caller_over_its_rate_limit_gets_429_with_retry_after_and_is_served_again_when_permits_return()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await ImportAsync(cts.Token);
        using var inference = fixture.Client("inference", fixture.RateLimitedKey);
        using var otherCaller = fixture.Client("inference", fixture.PredictKey);

        // A batch of a whole minute's worth of items spends the whole bucket: each item counts as a request. Permits
        // trickle back while it runs (one every 2 s), so a few single requests may still pass, but far fewer than a
        // bucket's worth.
        var items = Enumerable.Repeat(Inputs, SecuredAppFixture.PermitsPerMinute).ToArray();
        await AssertOkAsync(await inference.PostAsJsonAsync($"/api/modules/{name}/predict-batch", new { items }, cts.Token));
        var served = 0;
        HttpResponseMessage limited;
        while (true)
        {
            limited = await inference.PostAsJsonAsync($"/api/modules/{name}/predict", Inputs, cts.Token);
            if (limited.StatusCode != HttpStatusCode.OK || ++served > SecuredAppFixture.PermitsPerMinute)
            {
                break;
            }

            limited.Dispose();
        }

        using var _ = limited;
        Assert.True(served < SecuredAppFixture.PermitsPerMinute / 2, $"{served} single requests passed after a batch that spent the bucket.");
        var problem = await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.Contains($"{SecuredAppFixture.PermitsPerMinute} requests per minute", (string?)problem["detail"]);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));

        // The bucket is the caller's own: another key is served meanwhile.
        await AssertOkAsync(await otherCaller.PostAsJsonAsync($"/api/modules/{name}/predict", Inputs, cts.Token));

        // More than a whole bucket at once can never be served: a clear 400 instead of a pointless Retry-After.
        var tooMany = Enumerable.Repeat(Inputs, SecuredAppFixture.PermitsPerMinute + 1).ToArray();
        using var tooLarge = await otherCaller.PostAsJsonAsync($"/api/modules/{name}/predict-batch", new { items = tooMany }, cts.Token);
        var invalid = await AssertProblemAsync(tooLarge, HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["items"]);

        // Permits trickle back (one every 60/N s): poll until served, bounded by the test's deadline.
        while (true)
        {
            using var again = await inference.PostAsJsonAsync($"/api/modules/{name}/predict", Inputs, cts.Token);
            if (again.StatusCode == HttpStatusCode.OK)
            {
                break;
            }

            await AssertProblemAsync(again, HttpStatusCode.TooManyRequests);
            await Task.Delay(TimeSpan.FromMilliseconds(250), cts.Token);
        }
    }
}
