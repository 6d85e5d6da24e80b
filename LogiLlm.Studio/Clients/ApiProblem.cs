using System.Net;
using System.Text.Json.Nodes;

namespace LogiLlm.Studio.Clients;

/// <summary>
/// A failed call to the trainer or inference, read from its ProblemDetails: the title, the detail and, for a 400, the
/// messages per field (<c>errors</c>) exactly as the service wrote them.
/// </summary>
public sealed record ApiProblem(HttpStatusCode Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>One line for a banner.</summary>
    public string Summary => Detail is { Length: > 0 } detail ? $"{Title}: {detail}" : Title;

    /// <summary>The problem a service answered, or a generic one when the body is no ProblemDetails.</summary>
    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject? body = null;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body?["errors"] is JsonObject fields)
        {
            foreach (var (field, messages) in fields)
            {
                errors[field] = messages is JsonArray array ? array.Select(m => m?.ToString() ?? string.Empty).ToArray() : [messages?.ToString() ?? string.Empty];
            }
        }

        var title = (string?)body?["title"] ?? $"{(int)response.StatusCode} {response.ReasonPhrase}";
        return new ApiProblem(response.StatusCode, title, (string?)body?["detail"], errors);
    }

    /// <summary>The service could not be reached at all.</summary>
    public static ApiProblem Unreachable(string service, Exception exception) =>
        new(HttpStatusCode.ServiceUnavailable, $"The {service} is unreachable", exception.Message, new Dictionary<string, string[]>());
}

/// <summary>A value or the problem that prevented it.</summary>
public readonly record struct ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;

    public static implicit operator ApiResult<T>(ApiProblem problem) => new(default, problem);
}
