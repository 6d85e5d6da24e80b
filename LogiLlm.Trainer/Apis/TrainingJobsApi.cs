using System.Text.Json;
using LogiLlm.Trainer.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Apis;

/// <summary>Training jobs: create (queued in Redis, run by any trainer replica), follow, cancel.</summary>
public static class TrainingJobsApi
{
    /// <summary>Maps <c>/api/training-jobs</c>.</summary>
    public static IEndpointRouteBuilder MapTrainingJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/training-jobs").WithTags("Training")
            .AddEndpointFilter(QueueUnavailableAsServiceUnavailable)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/", CreateJob)
            .WithName("CreateTrainingJob").WithSummary("Validates and queues an optimization job; 202 with its id and Location.")
            .Accepts<TrainingJobRequest>("application/json");
        api.MapGet("/{id}", GetJob)
            .WithName("GetTrainingJob").WithSummary("Status, progress, result or error of a training job.");
        api.MapGet("/{id}/events", FollowJob)
            .WithName("FollowTrainingJob").WithSummary("Server-sent events: the job after every state or progress change, until it finishes; heartbeat comments while quiet; the stream ends after TrainingJobs:MaxEventStreamLifetime.")
            .Produces<TrainingJob>(StatusCodes.Status200OK, "text/event-stream");
        api.MapDelete("/{id}", CancelJob)
            .WithName("CancelTrainingJob").WithSummary("Cancels a job: a queued one at once, a running one as soon as its worker sees the request.");

        return app;
    }

    /// <summary>What the handlers need, bundled.</summary>
    /// <param name="Jobs">The job store.</param>
    /// <param name="Validator">Request validation.</param>
    /// <param name="Redis">Redis, for following job changes.</param>
    /// <param name="Logger">Logger.</param>
    public sealed record TrainingJobServices(TrainingJobStore Jobs, TrainingJobValidator Validator, IConnectionMultiplexer Redis, ILogger<TrainingJobStore> Logger);

    internal static async Task<Results<Accepted<TrainingJobAccepted>, ValidationProblem>> CreateJob(
        HttpRequest httpRequest, [AsParameters] TrainingJobServices services, CancellationToken cancellationToken)
    {
        // The body is read here rather than bound, so that malformed JSON is a 400 naming where it is wrong.
        TrainingJobRequest? request;
        if (!httpRequest.HasJsonContentType())
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["Send the training job as application/json."] }, title: "The training job is invalid");
        }

        try
        {
            request = await httpRequest.ReadFromJsonAsync<TrainingJobRequest>(cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return TypedResults.ValidationProblem(TrainingJobRequestErrors.Describe(ex), title: "The training job is invalid");
        }

        if (!services.Validator.TryValidate(request, out var spec, out var errors))
        {
            return TypedResults.ValidationProblem(errors, title: "The training job is invalid");
        }

        var job = await services.Jobs.CreateAsync(spec!, cancellationToken);
        services.Logger.LogInformation("Queued training job {JobId} for module {Module} with {Optimizer}", job.Id, job.Module, job.Optimizer);
        return TypedResults.Accepted($"/api/training-jobs/{job.Id}", new TrainingJobAccepted(job.Id, job.Status));
    }

    internal static async Task<Results<Ok<TrainingJob>, ProblemHttpResult>> GetJob(
        string id, [AsParameters] TrainingJobServices services, CancellationToken cancellationToken) =>
        await services.Jobs.GetAsync(id, cancellationToken) is { } job
            ? TypedResults.Ok(job)
            : TypedResults.Problem(UnknownJob(id));

    internal static async Task<Results<TrainingJobEventStream, ProblemHttpResult>> FollowJob(
        string id, [AsParameters] TrainingJobServices services, EventStreamSlots slots, IOptions<TrainingJobOptions> options, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await services.Jobs.GetAsync(id, cancellationToken) is null)
        {
            return TypedResults.Problem(UnknownJob(id));
        }

        if (slots.TryTake() is not { } slot)
        {
            response.Headers.RetryAfter = "5";
            return TypedResults.Problem(
                title: "Too many event streams",
                detail: $"This trainer serves at most {options.Value.MaxConcurrentEventStreams} event streams at a time ({TrainingJobOptions.SectionName}:{nameof(TrainingJobOptions.MaxConcurrentEventStreams)}); retry shortly, or poll GET /api/training-jobs/{id}.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return new TrainingJobEventStream(id, services.Jobs, services.Redis, options.Value, slot);
    }

    internal static async Task<Results<Ok<TrainingJob>, Accepted<TrainingJob>, ProblemHttpResult>> CancelJob(
        string id, [AsParameters] TrainingJobServices services, CancellationToken cancellationToken)
    {
        if (await services.Jobs.CancelAsync(id, cancellationToken) is not var (job, before))
        {
            return TypedResults.Problem(UnknownJob(id));
        }

        // A running job stops when its worker sees the request: 202 (even if it already has); a queued one is cancelled now.
        return (before, job.Status) switch
        {
            (TrainingJobStatus.Running, _) => TypedResults.Accepted($"/api/training-jobs/{id}", job),
            (_, TrainingJobStatus.Cancelled) => TypedResults.Ok(job),
            _ => TypedResults.Problem(new ProblemDetails
            {
                Title = "Training job already finished",
                Detail = $"Training job '{id}' is {job.Status.Name()} and can no longer be cancelled.",
                Status = StatusCodes.Status409Conflict,
            }),
        };
    }

    /// <summary>Jobs live in the cache: while it is unreachable the API answers 503 with the cause, not 500.</summary>
    private static async ValueTask<object?> QueueUnavailableAsServiceUnavailable(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception ex) when (ex is RedisException or RedisTimeoutException)
        {
            context.HttpContext.RequestServices.GetRequiredService<ILogger<TrainingJobStore>>()
                .LogWarning(ex, "The training job queue is unavailable");
            return TypedResults.Problem(
                title: "Training job queue unavailable",
                detail: "The cache that holds the training jobs cannot be reached; retry shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static ProblemDetails UnknownJob(string id) => new()
    {
        Title = "Training job not found",
        Detail = $"There is no training job '{id}'.",
        Status = StatusCodes.Status404NotFound,
    };
}
