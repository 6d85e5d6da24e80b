using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Studio.Clients;

/// <summary>The trainer's registry and training job APIs (typed client on <c>http://trainer</c>).</summary>
public sealed class TrainerClient(HttpClient http, IHttpClientFactory factory)
{
    /// <summary>Name of the client without request timeouts that follows a job's server-sent events.</summary>
    public const string EventsClientName = "trainer-events";

    private const string Service = "trainer";

    public Task<ApiResult<List<ModuleSummary>>> ListModulesAsync(CancellationToken cancellationToken = default) =>
        Send<List<ModuleSummary>>(HttpMethod.Get, "/api/modules", cancellationToken);

    public Task<ApiResult<ModuleVersions>> GetVersionsAsync(string name, CancellationToken cancellationToken = default) =>
        Send<ModuleVersions>(HttpMethod.Get, $"/api/modules/{Uri.EscapeDataString(name)}/versions", cancellationToken);

    /// <summary>The saved module document of a version or alias, as the registry stores it.</summary>
    public Task<ApiResult<string>> GetDocumentAsync(string name, string versionOrAlias, CancellationToken cancellationToken = default) =>
        Send<string>(HttpMethod.Get, $"/api/modules/{Uri.EscapeDataString(name)}/versions/{Uri.EscapeDataString(versionOrAlias)}", cancellationToken);

    public Task<ApiResult<ModuleVersions>> SetAliasAsync(string name, string alias, int version, CancellationToken cancellationToken = default) =>
        ServiceCall.SendAsync<ModuleVersions>(http, Service, new HttpRequestMessage(HttpMethod.Put,
            $"/api/modules/{Uri.EscapeDataString(name)}/aliases/{Uri.EscapeDataString(alias)}") { Content = JsonContent.Create(new { version }) }, cancellationToken);

    public Task<ApiResult<List<SampleDatasetInfo>>> ListSampleDatasetsAsync(CancellationToken cancellationToken = default) =>
        Send<List<SampleDatasetInfo>>(HttpMethod.Get, "/api/sample-datasets", cancellationToken);

    /// <summary>Queues a training job; a 400 comes back with the trainer's messages per field.</summary>
    public Task<ApiResult<TrainingJobAccepted>> CreateJobAsync(JsonObject request, CancellationToken cancellationToken = default) =>
        ServiceCall.SendAsync<TrainingJobAccepted>(http, Service, new HttpRequestMessage(HttpMethod.Post, "/api/training-jobs")
        {
            Content = new StringContent(request.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        }, cancellationToken);

    public Task<ApiResult<TrainingJob>> GetJobAsync(string id, CancellationToken cancellationToken = default) =>
        Send<TrainingJob>(HttpMethod.Get, $"/api/training-jobs/{Uri.EscapeDataString(id)}", cancellationToken);

    public Task<ApiResult<TrainingJob>> CancelJobAsync(string id, CancellationToken cancellationToken = default) =>
        Send<TrainingJob>(HttpMethod.Delete, $"/api/training-jobs/{Uri.EscapeDataString(id)}", cancellationToken);

    /// <summary>The job after every change, from its server-sent events, until the trainer ends the stream.</summary>
    public async IAsyncEnumerable<TrainingJob> FollowJobAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // A stream lasts as long as the job: no request timeout, no retry in the middle of it.
        var events = factory.CreateClient(EventsClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/training-jobs/{Uri.EscapeDataString(id)}/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await events.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
        {
            if (JsonSerializer.Deserialize<TrainingJob>(item.Data, JsonSerializerOptions.Web) is { } job)
            {
                yield return job;
            }
        }
    }

    private Task<ApiResult<T>> Send<T>(HttpMethod method, string path, CancellationToken cancellationToken) =>
        ServiceCall.SendAsync<T>(http, Service, new HttpRequestMessage(method, path), cancellationToken);
}
