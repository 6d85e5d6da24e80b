using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Polly;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one place where an exception becomes an HTTP status: first the service's own mappers
/// (<see cref="IExceptionProblemMapper"/>, e.g. a provider failure -> 502/503), then the shared rules: malformed requests
/// (bad JSON, wrong media type, bodies past their limit) get their 4xx with a ProblemDetails naming the problem, a
/// dependency that timed out or was refused by a resilience policy a 503, anything else a 500 that says nothing about
/// the server's internals (the exception itself is logged by the exception handler middleware).
/// </summary>
public sealed class ProblemExceptionHandler(
    IProblemDetailsService problemDetails, IEnumerable<IExceptionProblemMapper> mappers, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    // Each mapper logs what it maps (the cause of an upstream failure); the shared rules log their own 503.
    private readonly IExceptionProblemMapper[] _mappers = [.. mappers];

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client has gone; nobody reads an answer.
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }

        var problem = _mappers.Select(m => m.TryMap(exception)).FirstOrDefault(p => p?.Status is not null);
        if (problem is null)
        {
            problem = Describe(exception);
            if (problem.Status == StatusCodes.Status503ServiceUnavailable)
            {
                // A dependency timed out or was refused: the caller sees a generic problem, the cause goes to the log.
                logger.LogWarning(exception, "{Method} {Path}: a dependency is unavailable", httpContext.Request.Method, httpContext.Request.Path);
            }
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    /// <summary>The ProblemDetails an exception is answered with by the shared rules.</summary>
    public static ProblemDetails Describe(Exception exception)
    {
        switch (exception)
        {
            case RequestBodyTooLargeException tooLarge:
                return new ProblemDetails
                {
                    Status = StatusCodes.Status413PayloadTooLarge,
                    Title = "Request body too large",
                    Detail = tooLarge.Message,
                    Extensions = { ["limitBytes"] = tooLarge.Limit.MaxBytes, ["setting"] = tooLarge.Limit.Setting },
                };
            case BadHttpRequestException { InnerException: JsonException json }:
                return InvalidJson(json);
            case JsonException json:
                return InvalidJson(json);
            case BadHttpRequestException bad:
                return new ProblemDetails
                {
                    Status = bad.StatusCode,
                    Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : ReasonPhrases.GetReasonPhrase(bad.StatusCode),
                    Detail = bad.Message,
                };
            case TimeoutException or ExecutionRejectedException or OperationCanceledException { InnerException: TimeoutException }:
                return new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "A dependency is unavailable",
                    Detail = "A service this request needs did not answer in time or is refusing calls; retry later. The cause is logged under the traceId of this answer.",
                };
            default:
                return new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "An unexpected error occurred",
                    Detail = "The server failed to process the request; the error is logged under the traceId of this answer.",
                };
        }
    }

    private static ProblemDetails InvalidJson(JsonException json)
    {
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "The request body is not valid JSON",
            Detail = json.Message,
        };
        if (json.Path is { } path)
        {
            problem.Extensions["jsonPath"] = path;
        }

        return problem;
    }
}
