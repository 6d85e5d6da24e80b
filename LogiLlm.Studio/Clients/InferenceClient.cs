using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Studio.Clients;

/// <summary>The inference API (typed client on <c>http://inference</c>).</summary>
public sealed class InferenceClient(HttpClient http)
{
    private const string Service = "inference";

    public Task<ApiResult<ModuleDescription>> DescribeAsync(string moduleRef, CancellationToken cancellationToken = default) =>
        ServiceCall.SendAsync<ModuleDescription>(http, Service, new HttpRequestMessage(HttpMethod.Get, $"/api/modules/{Uri.EscapeDataString(moduleRef)}"), cancellationToken);

    public Task<ApiResult<PromptResponse>> GetPromptAsync(string moduleRef, CancellationToken cancellationToken = default) =>
        ServiceCall.SendAsync<PromptResponse>(http, Service, new HttpRequestMessage(HttpMethod.Get, $"/api/modules/{Uri.EscapeDataString(moduleRef)}/prompt"), cancellationToken);

    public Task<ApiResult<PredictResponse>> PredictAsync(string moduleRef, JsonObject inputs, CancellationToken cancellationToken = default) =>
        ServiceCall.SendAsync<PredictResponse>(http, Service, new HttpRequestMessage(HttpMethod.Post, $"/api/modules/{Uri.EscapeDataString(moduleRef)}/predict")
        {
            Content = JsonContent.Create(new JsonObject { ["inputs"] = inputs }),
        }, cancellationToken);
}
