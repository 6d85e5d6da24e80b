using System.Net.Http.Json;

namespace LogiLlm.Studio.Clients;

/// <summary>The one way the clients call a service: a value on success, the service's ProblemDetails otherwise.</summary>
internal static class ServiceCall
{
    public static async Task<ApiResult<T>> SendAsync<T>(
        HttpClient http, string service, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return await ApiProblem.ReadAsync(response, cancellationToken);
            }

            return new ApiResult<T>(await ReadAsync<T>(response, cancellationToken), null);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ApiProblem.Unreachable(service, ex);
        }
    }

    private static async Task<T?> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (typeof(T) == typeof(string))
        {
            return (T)(object)await response.Content.ReadAsStringAsync(cancellationToken);
        }

        return await response.Content.ReadFromJsonAsync<T>(cancellationToken);
    }
}
