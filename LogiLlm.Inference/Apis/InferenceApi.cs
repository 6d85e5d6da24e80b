using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Inference.Modules;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Registry;
using LogiLlm.Security;
using LogiLlm.Signatures;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace LogiLlm.Inference.Apis;

/// <summary>Serving of saved modules: predict, predict in batches, describe, export the prompt.</summary>
public static class InferenceApi
{
    /// <summary>Most items in one batch.</summary>
    public const int MaxBatchItems = 100;

    /// <summary>Maps <c>/api/modules/{ref}</c>.</summary>
    public static IEndpointRouteBuilder MapInferenceApi(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<InferenceOptions>>().Value;
        const string setting = InferenceOptions.SectionName + ":" + nameof(InferenceOptions.MaxRequestBodyBytes);
        const string batchSetting = InferenceOptions.SectionName + ":" + nameof(InferenceOptions.MaxBatchRequestBodyBytes);
        var api = app.MapGroup("/api/modules").WithTags("Inference")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        api.MapPost("/{moduleRef}/predict", Predict)
            .WithName("Predict").WithSummary("Runs a saved module (name, name@3 or name@alias) on the given inputs.")
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

    /// <summary>Body of a prediction request.</summary>
    public sealed record PredictRequest(JsonObject? Inputs);

    /// <summary>Body of a batch request.</summary>
    public sealed record PredictBatchRequest(IReadOnlyList<PredictRequest?>? Items);

    /// <summary>A prediction.</summary>
    public sealed record PredictResponse(IReadOnlyDictionary<string, object?> Outputs, string Module, int Version, TokenUsageDto? Usage, bool Cached);

    /// <summary>One answer of a batch: outputs or the error of that item.</summary>
    public sealed record BatchItemResult(IReadOnlyDictionary<string, object?>? Outputs, string? Error, TokenUsageDto? Usage);

    /// <summary>The answers of a batch, in request order.</summary>
    public sealed record PredictBatchResponse(string Module, int Version, IReadOnlyList<BatchItemResult> Results);

    /// <summary>Tokens the model call used.</summary>
    public sealed record TokenUsageDto(long InputTokens, long OutputTokens);

    /// <summary>A field of the signature.</summary>
    public sealed record FieldDto(string Name, string Type, string? Description, bool Required);

    /// <summary>What a saved module is and how it is served.</summary>
    public sealed record ModuleDescription(
        string Name, int Version, string ModuleType, string State, string? Signature, string? Instructions,
        IReadOnlyList<FieldDto> Inputs, IReadOnlyList<FieldDto> Outputs, JsonObject Config, int DemoCount, int MaxDemos,
        string SelectionStrategy, string? Adapter, JsonNode? Lineage, ProviderDto? SavedProvider, ProviderDto ServingProvider,
        string? ProviderMismatch, string Digest);

    /// <summary>A provider by name and model (never its key).</summary>
    public sealed record ProviderDto(string Name, string Model);

    /// <summary>A rendered prompt.</summary>
    public sealed record PromptResponse(string Module, int Version, IReadOnlyList<PromptMessage> Messages, JsonObject Options);

    /// <summary>One chat message of a prompt.</summary>
    public sealed record PromptMessage(string Role, string Content);

    /// <summary>The services a handler needs (bound with <c>[AsParameters]</c>).</summary>
    public sealed class Services(ModuleResolver resolver, PredictionCache cache, Provider provider, ILoggerFactory loggerFactory, BakedModules baked)
    {
        /// <summary>Modules baked into the deployment, asked before the resolver.</summary>
        public BakedModules Baked { get; } = baked;

        /// <summary>Module resolution.</summary>
        public ModuleResolver Resolver { get; } = resolver;

        /// <summary>Prediction cache.</summary>
        public PredictionCache Cache { get; } = cache;

        /// <summary>The serving provider.</summary>
        public Provider Provider { get; } = provider;

        /// <summary>Loggers.</summary>
        public ILoggerFactory LoggerFactory { get; } = loggerFactory;
    }

    internal static async Task<Results<Ok<PredictResponse>, ValidationProblem, ProblemHttpResult>> Predict(
        string moduleRef, PredictRequest? request, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        if (request?.Inputs is null)
        {
            return Invalid("inputs", "The body must be a JSON object with an 'inputs' object.");
        }

        var (resolved, failure) = await ResolveAsync(moduleRef, services, cancellationToken);
        if (resolved is null)
        {
            return failure!;
        }

        using var activity = InferenceTelemetry.StartPredict(resolved);
        var inputs = Inputs(request.Inputs);
        var cacheKey = PredictionCache.Applies(resolved.Module) ? PredictionCache.Key(resolved, inputs) : null;
        if (cacheKey is not null && await services.Cache.GetAsync(cacheKey) is { } hit)
        {
            activity.SetCache("hit");
            return TypedResults.Ok(new PredictResponse(Inputs(hit.Outputs), resolved.Name, resolved.Version, null, Cached: true));
        }

        activity.SetCache(cacheKey is null ? "off" : "miss");
        var (prediction, problem) = await InvokeAsync(resolved, inputs, "inputs", services, cancellationToken);
        if (prediction is null)
        {
            activity.SetFailed("the inputs or the provider failed");
            return problem!;
        }

        if (!prediction.Success)
        {
            activity.SetFailed("the model's answer could not be parsed");
            return TypedResults.Problem(prediction.Error, statusCode: StatusCodes.Status502BadGateway, title: "The model's answer could not be used");
        }

        if (cacheKey is not null)
        {
            await services.Cache.SetAsync(cacheKey, new CachedPrediction(JsonSerializer.SerializeToNode(prediction.Outputs)!.AsObject()));
        }

        return TypedResults.Ok(new PredictResponse(prediction.Outputs, resolved.Name, resolved.Version, Usage(prediction), Cached: false));
    }

    internal static async Task<Results<Ok<PredictBatchResponse>, ValidationProblem, ProblemHttpResult>> PredictBatch(
        string moduleRef, PredictBatchRequest? request, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        if (request?.Items is not { Count: > 0 } items)
        {
            return Invalid("items", "The body must be a JSON object with a non-empty 'items' array of {\"inputs\": {...}}.");
        }

        if (items.Count > MaxBatchItems)
        {
            return Invalid("items", $"A batch holds at most {MaxBatchItems} items; this one has {items.Count}.");
        }

        var (resolved, failure) = await ResolveAsync(moduleRef, services, cancellationToken);
        if (resolved is null)
        {
            return failure!;
        }

        var errors = new Dictionary<string, string[]>();
        var allInputs = new List<IReadOnlyDictionary<string, object?>>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i]?.Inputs is not { } json)
            {
                errors[$"items[{i}].inputs"] = ["Each item must have an 'inputs' object."];
                allInputs.Add(new Dictionary<string, object?>());
                continue;
            }

            var inputs = Inputs(json);
            foreach (var (key, value) in ValidateInputs(resolved.Module, inputs, $"items[{i}].inputs"))
            {
                errors[key] = value;
            }

            allInputs.Add(inputs);
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        using var activity = InferenceTelemetry.StartPredict(resolved, "predict-batch", items.Count);
        var results = new BatchItemResult[items.Count];
        using var gate = new SemaphoreSlim(4);
        var tasks = allInputs.Select(async (inputs, index) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                var (prediction, problem) = await InvokeAsync(resolved, inputs, $"items[{index}].inputs", services, cancellationToken);
                results[index] = prediction is null
                    ? new BatchItemResult(null, ProblemText(problem!), null)
                    : prediction.Success
                        ? new BatchItemResult(prediction.Outputs, null, Usage(prediction))
                        : new BatchItemResult(null, prediction.Error, Usage(prediction));
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
        return TypedResults.Ok(new PredictBatchResponse(resolved.Name, resolved.Version, results));
    }

    internal static async Task<Results<Ok<ModuleDescription>, ValidationProblem, ProblemHttpResult>> Describe(
        string moduleRef, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var (resolved, failure) = await ResolveAsync(moduleRef, services, cancellationToken);
        if (resolved is null)
        {
            return failure!;
        }

        var module = resolved.Module;
        var signature = module.Signature;
        var serving = services.Provider;
        return TypedResults.Ok(new ModuleDescription(
            resolved.Name,
            resolved.Version,
            module.ModuleType,
            module.State.Value,
            signature?.ToString(),
            signature?.Instructions,
            signature?.InputFields.Select(Field).ToList() ?? [],
            signature?.OutputFields.Select(Field).ToList() ?? [],
            module.Config.ToJsonObject(),
            module.DemoManager.Demos.Count,
            module.DemoManager.MaxDemos,
            DemoManager.ToWireName(module.DemoManager.SelectionStrategy),
            module.Adapter.Name,
            module.Metadata["optimization"]?.DeepClone(),
            SavedProviderConfig.Of(module) is { } saved ? new ProviderDto(saved.Name, saved.Model) : null,
            new ProviderDto(serving.Name, serving.Model),
            resolved.ProviderMismatch,
            resolved.Digest));
    }

    internal static async Task<Results<Ok<PromptResponse>, ValidationProblem, ProblemHttpResult>> GetPromptTemplate(
        string moduleRef, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        var (resolved, failure) = await ResolveAsync(moduleRef, services, cancellationToken);
        if (resolved is null)
        {
            return failure!;
        }

        if (resolved.Module.Signature is not { } signature)
        {
            return TypedResults.Problem("This module has no signature of its own; describe its children instead.", statusCode: StatusCodes.Status400BadRequest, title: "No prompt");
        }

        var placeholders = signature.InputFields.ToDictionary(f => f.Name, f => (object?)$"{{{f.Name}}}", StringComparer.Ordinal);
        var messages = resolved.Module.Adapter.Format(signature, resolved.Module.DemoManager.Select(), placeholders);
        return TypedResults.Ok(Prompt(resolved, messages));
    }

    internal static async Task<Results<Ok<PromptResponse>, ValidationProblem, ProblemHttpResult>> RenderPrompt(
        string moduleRef, PredictRequest? request, [AsParameters] Services services, CancellationToken cancellationToken)
    {
        if (request?.Inputs is null)
        {
            return Invalid("inputs", "The body must be a JSON object with an 'inputs' object.");
        }

        var (resolved, failure) = await ResolveAsync(moduleRef, services, cancellationToken);
        if (resolved is null)
        {
            return failure!;
        }

        if (resolved.Module is not LogiLlm.Predict predict)
        {
            return TypedResults.Problem($"Prompts are rendered for Predict modules; this one is a {resolved.Module.ModuleType}.", statusCode: StatusCodes.Status400BadRequest, title: "No prompt");
        }

        try
        {
            return TypedResults.Ok(Prompt(resolved, predict.RenderPrompt(Inputs(request.Inputs))));
        }
        catch (ModuleInputException ex)
        {
            return TypedResults.ValidationProblem(InputErrors(ex, "inputs"));
        }
    }

    private static PromptResponse Prompt(ResolvedModule resolved, IList<ChatMessage> messages)
    {
        var options = resolved.Module is LogiLlm.Predict predict ? OptionsJson(predict.BuildChatOptions()) : [];
        return new PromptResponse(resolved.Name, resolved.Version, messages.Select(m => new PromptMessage(m.Role.Value, m.Text)).ToList(), options);
    }

    private static JsonObject OptionsJson(ChatOptions options)
    {
        var json = new JsonObject();
        if (options.ModelId is { } model) json["model"] = model;
        if (options.Temperature is { } temperature) json["temperature"] = temperature;
        if (options.TopP is { } topP) json["top_p"] = topP;
        if (options.MaxOutputTokens is { } maxTokens) json["max_tokens"] = maxTokens;
        if (options.StopSequences is { Count: > 0 } stop) json["stop"] = new JsonArray(stop.Select(s => (JsonNode?)s).ToArray());
        if (options.Seed is { } seed) json["seed"] = seed;
        return json;
    }

    private static async Task<(ResolvedModule? Module, ProblemHttpResult? Failure)> ResolveAsync(
        string moduleRef, Services services, CancellationToken cancellationToken)
    {
        if (!ModuleRef.TryParse(moduleRef, out var reference))
        {
            return (null, TypedResults.Problem($"'{moduleRef}' is not a module reference: use name, name@3 or name@alias.", statusCode: StatusCodes.Status400BadRequest, title: "Invalid module reference"));
        }

        if (services.Baked.TryResolve(reference, out var baked))
        {
            return baked is null
                ? (null, TypedResults.Problem($"'{reference.Name}' is a baked module; it has only version {BakedModules.Version}.", statusCode: StatusCodes.Status404NotFound, title: "Module not found"))
                : (baked, null);
        }

        try
        {
            var resolved = await services.Resolver.ResolveAsync(reference, cancellationToken);
            return resolved is null
                ? (null, TypedResults.Problem($"The registry has no module '{reference}'.", statusCode: StatusCodes.Status404NotFound, title: "Module not found"))
                : (resolved, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            services.LoggerFactory.CreateLogger(typeof(InferenceApi)).LogWarning(ex, "The registry is unreachable for {Module}", reference);
            return (null, TypedResults.Problem("The module registry is unreachable and this module is not cached here.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Registry unavailable"));
        }
        catch (PersistenceException ex)
        {
            return (null, TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status502BadGateway, title: "The registry returned a module that does not load"));
        }
    }

    private static async Task<(Prediction? Prediction, Results<Ok<PredictResponse>, ValidationProblem, ProblemHttpResult>? Problem)> InvokeAsync(
        ResolvedModule resolved, IReadOnlyDictionary<string, object?> inputs, string prefix, Services services, CancellationToken cancellationToken)
    {
        try
        {
            return (await resolved.Module.InvokeAsync(inputs, cancellationToken), null);
        }
        catch (ModuleInputException ex)
        {
            return (null, TypedResults.ValidationProblem(InputErrors(ex, prefix)));
        }
        catch (ProviderException ex)
        {
            // The provider's own text names its account (org, project, masked key): it goes to the (redacted) logs only.
            services.LoggerFactory.CreateLogger(typeof(InferenceApi)).LogWarning(
                ex, "The model provider {Provider} failed for {Module}@{Version} with status {ProviderStatus}", ex.ProviderName, resolved.Name, resolved.Version, ex.StatusCode);
            return (null, ProviderFailure(ex.IsTransient));
        }
    }

    /// <summary>What a caller learns of a provider failure: that it happened and whether a retry may help.</summary>
    private static ProblemHttpResult ProviderFailure(bool transient) => transient
        ? TypedResults.Problem(
            "The model provider is unavailable; retry later. The cause is logged under the traceId of this answer.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "The model provider is unavailable")
        : TypedResults.Problem(
            "The model provider refused or failed the call. The cause is logged under the traceId of this answer.",
            statusCode: StatusCodes.Status502BadGateway, title: "The model provider failed");

    private static string ProblemText(Results<Ok<PredictResponse>, ValidationProblem, ProblemHttpResult> problem) => problem.Result switch
    {
        ProblemHttpResult p => $"{p.ProblemDetails.Title}: {p.ProblemDetails.Detail}",
        ValidationProblem v => string.Join("; ", v.ProblemDetails.Errors.SelectMany(e => e.Value)),
        _ => "failed",
    };

    private static Dictionary<string, string[]> InputErrors(ModuleInputException ex, string prefix)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var missing in ex.MissingFields)
        {
            errors[$"{prefix}.{missing}"] = [$"The input '{missing}' is required."];
        }

        foreach (var (field, message) in ex.InvalidFields)
        {
            errors[$"{prefix}.{field}"] = [message];
        }

        return errors;
    }

    private static ValidationProblem Invalid(string key, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [key] = [message] });

    private static TokenUsageDto? Usage(Prediction prediction) =>
        prediction.Usage is var u && u.TotalTokens > 0 ? new TokenUsageDto(u.InputTokens, u.OutputTokens) : null;

    private static FieldDto Field(LogiLlm.Signatures.FieldSpec field) =>
        new(field.Name, field.Type.ToString(), field.Description, field.Required);

    /// <summary>The checks an invocation makes (names, defaults, types), run before anything is invoked.</summary>
    private static Dictionary<string, string[]> ValidateInputs(Module module, IReadOnlyDictionary<string, object?> inputs, string prefix)
    {
        if (module.Signature is not { } signature)
        {
            return [];
        }

        try
        {
            LogiLlm.Predict.PrepareInputs(signature, inputs);
            return [];
        }
        catch (ModuleInputException ex)
        {
            return InputErrors(ex, prefix);
        }
    }

    private static IReadOnlyDictionary<string, object?> Inputs(JsonObject json) =>
        (IReadOnlyDictionary<string, object?>)FieldValueJson.FromJsonNode(json)!;
}
