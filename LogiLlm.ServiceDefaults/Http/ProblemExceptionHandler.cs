using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The one place where an exception becomes an HTTP status: malformed requests (bad JSON, wrong media type, bodies past
/// their limit) get their 4xx with a ProblemDetails naming the problem; anything else a 500 that says nothing about
/// the server's internals (the exception itself is logged by the exception handler middleware).
/// </summary>
public sealed class ProblemExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client has gone; nobody reads an answer.
            httpContext.Response.StatusCode = StatusCodes.Status499ClientClosedRequest;
            return true;
        }

        var problem = Describe(exception);
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }

    /// <summary>The ProblemDetails an exception is answered with.</summary>
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
