using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Inference.Modules;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LogiLlm.Inference.Apis;

/// <summary>Serving of saved modules: predict with a module of the registry.</summary>
public static class PredictApi
{
    /// <summary>Maps <c>/api/modules/{ref}/predict</c>.</summary>
    public static IEndpointRouteBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/modules").WithTags("Inference");
        api.MapPost("/{moduleRef}/predict", Predict)
            .WithName("Predict")
            .WithSummary("Runs a saved module (name, name@3 or name@alias) on the given inputs.");
        return app;
    }

    /// <summary>Body of a prediction request.</summary>
    public sealed record PredictRequest(JsonObject? Inputs);

    /// <summary>A prediction.</summary>
    public sealed record PredictResponse(
        IReadOnlyDictionary<string, object?> Outputs, string Module, int Version, TokenUsageDto? Usage);

    /// <summary>Tokens the model call used.</summary>
    public sealed record TokenUsageDto(long? InputTokens, long? OutputTokens);

    internal static async Task<Results<Ok<PredictResponse>, ValidationProblem, ProblemHttpResult>> Predict(
        string moduleRef, PredictRequest? request, ModuleResolver resolver, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        if (!ModuleRef.TryParse(moduleRef, out var reference))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["moduleRef"] = [$"'{moduleRef}' is not a module reference: use name, name@3 or name@alias."],
            });
        }

        if (request?.Inputs is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["inputs"] = ["The body must be a JSON object with an 'inputs' object."],
            });
        }

        ResolvedModule? resolved;
        try
        {
            resolved = await resolver.ResolveAsync(reference, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            loggers.CreateLogger(typeof(PredictApi)).LogWarning(ex, "The registry is unreachable for {Module}", reference);
            return TypedResults.Problem("The module registry is unreachable and this module is not cached here.", statusCode: StatusCodes.Status503ServiceUnavailable, title: "Registry unavailable");
        }
        catch (PersistenceException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status502BadGateway, title: "The registry returned a module that does not load");
        }

        if (resolved is null)
        {
            return TypedResults.Problem($"The registry has no module '{reference}'.", statusCode: StatusCodes.Status404NotFound, title: "Module not found");
        }

        var module = resolved.Module;
        var inputs = ToClr(request.Inputs);
        var errors = ValidateInputs(module, inputs);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        Prediction prediction;
        try
        {
            prediction = await module.InvokeAsync(inputs, cancellationToken);
        }
        catch (ProviderException ex)
        {
            var status = ex.IsTransient ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway;
            return TypedResults.Problem(ex.Message, statusCode: status, title: "The model provider failed");
        }

        if (!prediction.Success)
        {
            return TypedResults.Problem(prediction.Error, statusCode: StatusCodes.Status502BadGateway, title: "The model's answer could not be used");
        }

        var usage = prediction.Usage is { } u ? new TokenUsageDto(u.InputTokens, u.OutputTokens) : null;
        return TypedResults.Ok(new PredictResponse(prediction.Outputs, resolved.Name, resolved.Version, usage));
    }

    private static Dictionary<string, string[]> ValidateInputs(Module module, IReadOnlyDictionary<string, object?> inputs)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var field in module.Signature?.InputFields ?? [])
        {
            if (field.Required && (!inputs.TryGetValue(field.Name, out var value) || value is null))
            {
                errors[$"inputs.{field.Name}"] = [$"The input '{field.Name}' ({field.Type}) is required."];
            }
        }

        return errors;
    }

    private static Dictionary<string, object?> ToClr(JsonObject inputs) =>
        inputs.ToDictionary(pair => pair.Key, pair => ToClr(pair.Value), StringComparer.Ordinal);

    private static object? ToClr(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => ToClr(obj),
        JsonArray array => array.Select(ToClr).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetValue<long>(out var integer) => integer,
            JsonValueKind.Number => value.GetValue<double>(),
            _ => null,
        },
        _ => null,
    };
}
