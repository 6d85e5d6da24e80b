using System.Text.Json.Nodes;
using LogiLlm.Inference.Modules;
using LogiLlm.Inference.Predictions;
using LogiLlm.Providers;
using LogiLlm.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LogiLlm.Inference.Apis;

/// <summary>
/// Serving of saved modules: predict, predict in batches, describe, export the prompt. Handlers validate the body and
/// hand over to <see cref="PredictionService"/>; failures it raises (provider, registry, inputs) are answered by
/// <see cref="InferenceProblemMapper"/> through the shared exception handler, and declared here for OpenAPI.
/// </summary>
public static class InferenceApi
{
    /// <summary>Most items in one batch.</summary>
    public const int MaxBatchItems = 100;

    private const string InputsMessage = "The body must be a JSON object with an 'inputs' object.";

    /// <summary>Maps <c>/api/modules/{ref}</c>.</summary>
    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<InferenceOptions>>().Value;
        const string setting = InferenceOptions.SectionName + ":" + nameof(InferenceOptions.MaxRequestBodyBytes);
        const string batchSetting = InferenceOptions.SectionName + ":" + nameof(InferenceOptions.MaxBatchRequestBodyBytes);
        var api = app.MapGroup("/api/modules").WithTags("Inference")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            // Answered by InferenceProblemMapper: a module that does not load (502), an unreachable registry (503).
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        api.MapPost("/{moduleRef}/predict", Predict)
            .WithName("Predict").WithSummary("Runs a saved module (name, name@3 or name@alias) on the given inputs.")
            .WithDescription("502: the provider failed or its answer could not be used; 503: the provider or the registry is unavailable, retry later.")
            .WithRequestBodyLimit(limits.MaxRequestBodyBytes, setting)
            .RequireAuthorization(LogiLlmPolicies.Predict);
        api.MapPost("/{moduleRef}/predict-batch", PredictBatch)
            .WithName("PredictBatch").WithSummary($"Runs a saved module on up to {MaxBatchItems} inputs.")
            .WithRequestBodyLimit(limits.MaxBatchRequestBodyBytes, batchSetting)
            .RequireAuthorization(LogiLlmPolicies.Predict)
            // Each item is a prediction, so each counts as a request against the caller's rate limit.
            .WithRequestCost<RouteHandlerBuilder, PredictBatchRequest>(r => Math.Clamp(r?.Items?.Count ?? 1, 1, MaxBatchItems), "items");
        api.MapGet("/{moduleRef}", Describe)
            .WithName("DescribeModule").WithSummary("Signature, version, config, demos, lineage and provider of a saved module.");
        api.MapGet("/{moduleRef}/prompt", GetPromptTemplate)
            .WithName("GetPromptTemplate").WithSummary("The prompt the module sends, with {field} placeholders for the inputs.");
        api.MapPost("/{moduleRef}/prompt", RenderPrompt)
            .WithName("RenderPrompt").WithSummary("The exact prompt the module sends for the given inputs.")
            .WithRequestBodyLimit(limits.MaxRequestBodyBytes, setting);
        return app;
    }

    /// <summary>The services a handler needs (bound with <c>[AsParameters]</c>).</summary>
    public sealed class Services(PredictionService predictions, Provider provider)
    {
        /// <summary>Resolution, caching and invocation.</summary>
        public PredictionService Predictions { get; } = predictions;

        /// <summary>The serving provider.</summary>
        public Provider Provider { get; } = provider;
    }

    internal static Task<Results<Ok<PredictResponse>, ValidationProblem, ModuleRefProblem, BadGatewayProblem>> Predict(
        string moduleRef, PredictRequest? request, [AsParameters] Services services, CancellationToken cancellationToken) =>
        WithInputsAsync<PredictResponse, BadGatewayProblem>(moduleRef, request, services, cancellationToken, async (module, inputs) =>
        {
            var outcome = await services.Predictions.PredictAsync(module, inputs, cancellationToken);
            return outcome.Response is { } response
                ? TypedResults.Ok(response)
                : new BadGatewayProblem("The model's answer could not be used", outcome.UnreadableReply ?? "The model's answer could not be parsed.");
        });

    internal static async Task<Results<Ok<PredictBatchResponse>, ValidationProblem, ModuleRefProblem>> PredictBatch(
        string moduleRef, PredictBatchRequest? request, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        if (request?.Items is not { Count: > 0 and <= MaxBatchItems } items)
        {
            return Invalid("items", request?.Items is { Count: > MaxBatchItems } tooMany
                ? $"A batch holds at most {MaxBatchItems} items; this one has {tooMany.Count}."
                : "The body must be a JSON object with a non-empty 'items' array of {\"inputs\": {...}}.");
        }

        var lookup = await services.Predictions.ResolveAsync(moduleRef, cancellationToken);
        if (lookup.Module is not { } module)
        {
            return lookup.Problem!;
        }

        var errors = PredictionService.ValidateBatch(module.Module, items);
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await services.Predictions.PredictBatchAsync(module, items, cancellationToken));
    }

    internal static async Task<Results<Ok<ModuleDescription>, ModuleRefProblem>> Describe(
        string moduleRef, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var lookup = await services.Predictions.ResolveAsync(moduleRef, cancellationToken);
        return lookup.Module is { } module ? TypedResults.Ok(ModuleViews.Describe(module, services.Provider)) : lookup.Problem!;
    }

    internal static async Task<Results<Ok<PromptResponse>, ModuleRefProblem, BadRequestProblem>> GetPromptTemplate(
        string moduleRef, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var lookup = await services.Predictions.ResolveAsync(moduleRef, cancellationToken);
        if (lookup.Module is not { } module)
        {
            return lookup.Problem!;
        }

        return ModuleViews.Template(module) is { } prompt
            ? TypedResults.Ok(prompt)
            : new BadRequestProblem("No prompt", "This module has no signature of its own; describe its children instead.");
    }

    internal static Task<Results<Ok<PromptResponse>, ValidationProblem, ModuleRefProblem, BadRequestProblem>> RenderPrompt(
        string moduleRef, PredictRequest? request, [AsParameters] Services services, CancellationToken cancellationToken) =>
        WithInputsAsync<PromptResponse, BadRequestProblem>(moduleRef, request, services, cancellationToken, (module, inputs) =>
            // Inputs that do not fit are answered 400 naming each field (InferenceProblemMapper).
            Task.FromResult<Results<Ok<PromptResponse>, ValidationProblem, ModuleRefProblem, BadRequestProblem>>(module.Module is LogiLlm.Predict predict
                ? TypedResults.Ok(ModuleViews.Render(module, predict, PredictionService.Inputs(inputs)))
                : new BadRequestProblem("No prompt", $"Prompts are rendered for Predict modules; this one is a {module.Module.ModuleType}.")));

    /// <summary>
    /// What the handlers that run a module on a body's <c>inputs</c> share: the inputs are required (400 naming the
    /// field), then the module is resolved (400/404 naming the reference), then <paramref name="handle"/> answers.
    /// </summary>
    private static async Task<Results<Ok<TResponse>, ValidationProblem, ModuleRefProblem, TProblem>> WithInputsAsync<TResponse, TProblem>(
        string moduleRef, PredictRequest? request, Services services, CancellationToken cancellationToken,
        Func<ResolvedModule, JsonObject, Task<Results<Ok<TResponse>, ValidationProblem, ModuleRefProblem, TProblem>>> handle)
        where TProblem : IResult
    {
        if (request?.Inputs is not { } inputs)
        {
            return Invalid("inputs", InputsMessage);
        }

        var lookup = await services.Predictions.ResolveAsync(moduleRef, cancellationToken);
        return lookup.Module is { } module ? await handle(module, inputs) : lookup.Problem!;
    }

    private static ValidationProblem Invalid(string key, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [key] = [message] });
}
