using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A ProblemDetails answer (<c>application/problem+json</c>, with the <c>traceId</c> the problem-details service adds)
/// whose type tells OpenAPI its status codes, so a handler's <c>Results&lt;...&gt;</c> union documents them. The
/// framework's <c>NotFound&lt;ProblemDetails&gt;</c> writes plain JSON and <c>ProblemHttpResult</c> declares no status.
/// </summary>
public abstract class ProblemResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>, IContentTypeHttpResult
{
    protected ProblemResult(ProblemDetails problem) => ProblemDetails = problem;

    /// <summary>The problem.</summary>
    public ProblemDetails ProblemDetails { get; }

    /// <inheritdoc />
    public int? StatusCode => ProblemDetails.Status;

    /// <inheritdoc />
    public string ContentType => "application/problem+json";

    object? IValueHttpResult.Value => ProblemDetails;

    ProblemDetails? IValueHttpResult<ProblemDetails>.Value => ProblemDetails;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext) => TypedResults.Problem(ProblemDetails).ExecuteAsync(httpContext);

    protected static ProblemDetails Create(int status, string title, string detail) =>
        new() { Status = status, Title = title, Detail = detail };

    protected static void Produces(EndpointBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in statuses)
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ProblemDetails), ["application/problem+json"]));
        }
    }
}

/// <summary>400: the request names something malformed (the field is in the detail).</summary>
public sealed class BadRequestProblem(string title, string detail)
    : ProblemResult(Create(StatusCodes.Status400BadRequest, title, detail)), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status400BadRequest);
}

/// <summary>502: an upstream (the model, the registry) answered something this service cannot use.</summary>
public sealed class BadGatewayProblem(string title, string detail)
    : ProblemResult(Create(StatusCodes.Status502BadGateway, title, detail)), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Produces(builder, StatusCodes.Status502BadGateway);
}
