using System.Text.Json.Nodes;
using LogiLlm.Inference.Apis;
using LogiLlm.Inference.Modules;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Registry;
using LogiLlm.Signatures;

namespace LogiLlm.Inference.Predictions;

/// <summary>
/// Serving of a saved module, behind the endpoints: resolution (baked modules, then the module cache and the trainer's
/// registry), invocation, and whether the answer came from the response cache. Failures the exception mapper answers propagate
/// (<see cref="InferenceProblemMapper"/>: a provider failure, a module that does not load, an unreachable registry,
/// inputs that do not fit); what a caller got wrong about the reference is a <see cref="ModuleLookup"/> problem.
/// </summary>
public sealed class PredictionService(ModuleResolver resolver, BakedModules baked, InferenceProblemMapper problems)
{
    /// <summary>Items of a batch run at once.</summary>
    private const int BatchConcurrency = 4;

    /// <summary>The module <paramref name="moduleRef"/> names, or why there is none (400 malformed, 404 unknown).</summary>
    /// <exception cref="ModuleRegistryUnavailableException">The registry is unreachable and the module is not cached here.</exception>
    /// <exception cref="PersistenceException">The registry returned a module that does not load.</exception>
    public async Task<ModuleLookup> ResolveAsync(string moduleRef, CancellationToken cancellationToken)
    {
        if (!ModuleRef.TryParse(moduleRef, out var reference))
        {
            return ModuleLookup.Invalid($"'{moduleRef}' is not a module reference: use name, name@3 or name@alias.");
        }

        if (baked.TryResolve(reference, out var bakedModule))
        {
            return bakedModule is null
                ? ModuleLookup.NotFound($"'{reference.Name}' is a baked module; it has only version {BakedModules.Version}.")
                : ModuleLookup.Found(bakedModule);
        }

        ResolvedModule? resolved;
        try
        {
            resolved = await resolver.ResolveAsync(reference, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ModuleRegistryUnavailableException(reference, ex);
        }

        return resolved is null ? ModuleLookup.NotFound($"The registry has no module '{reference}'.") : ModuleLookup.Found(resolved);
    }

    /// <summary>
    /// One prediction. Deterministic model calls are answered by the response cache of the chat client pipeline
    /// (<see cref="DeterministicResponseCache"/>); the answer says <c>cached</c> when every call of it came from there.
    /// </summary>
    /// <exception cref="ModuleInputException">The inputs do not fit the signature.</exception>
    /// <exception cref="LogiLlm.Providers.ProviderException">The model provider failed.</exception>
    public async Task<PredictionOutcome> PredictAsync(ResolvedModule resolved, JsonObject json, CancellationToken cancellationToken)
    {
        using var activity = InferenceTelemetry.StartPredict(resolved);
        using var cache = ResponseCacheScope.Begin();
        Prediction prediction;
        try
        {
            prediction = await resolved.Module.InvokeAsync(Inputs(json), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            activity.SetCache(cache.Outcome);
            activity.SetFailed(ex is ModuleInputException ? "the inputs do not fit the signature" : "the provider failed");
            throw;
        }

        activity.SetCache(cache.Outcome);
        if (!prediction.Success)
        {
            activity.SetFailed("the model's answer could not be parsed");
            return new PredictionOutcome(null, prediction.Error);
        }

        // An answer from the cache spent no tokens now.
        var cached = cache.AnsweredFromCache;
        return new PredictionOutcome(new PredictResponse(prediction.Outputs, resolved.Name, resolved.Version, cached ? null : Usage(prediction), cached), null);
    }

    /// <summary>
    /// Checks every item's inputs exactly as an invocation will (names, defaults, types), before anything runs:
    /// the errors keyed <c>items[i].inputs.field</c>, empty when every item fits.
    /// </summary>
    public static Dictionary<string, string[]> ValidateBatch(Module module, IReadOnlyList<PredictRequest?> items)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i]?.Inputs is not { } json)
            {
                errors[$"items[{i}].inputs"] = ["Each item must have an 'inputs' object."];
            }
            else if (module.Signature is { } signature)
            {
                try
                {
                    LogiLlm.Predict.PrepareInputs(signature, Inputs(json));
                }
                catch (ModuleInputException ex)
                {
                    foreach (var (key, value) in InferenceProblemMapper.InputErrors(ex, $"items[{i}].inputs"))
                    {
                        errors[key] = value;
                    }
                }
            }
        }

        return errors;
    }

    /// <summary>
    /// The answers of a batch whose items passed <see cref="ValidateBatch"/>, in request order, a few at a time; an item
    /// that fails carries its error (as a caller may see it) instead of failing the batch.
    /// </summary>
    public async Task<PredictBatchResponse> PredictBatchAsync(ResolvedModule resolved, IReadOnlyList<PredictRequest?> items, CancellationToken cancellationToken)
    {
        using var activity = InferenceTelemetry.StartPredict(resolved, "predict-batch", items.Count);
        var results = new BatchItemResult[items.Count];
        using var gate = new SemaphoreSlim(BatchConcurrency);
        await Task.WhenAll(items.Select(async (item, index) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                results[index] = await PredictItemAsync(resolved, item!.Inputs!, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
        }));
        return new PredictBatchResponse(resolved.Name, resolved.Version, results);
    }

    private async Task<BatchItemResult> PredictItemAsync(ResolvedModule resolved, JsonObject json, CancellationToken cancellationToken)
    {
        try
        {
            var prediction = await resolved.Module.InvokeAsync(Inputs(json), cancellationToken);
            return prediction.Success
                ? new BatchItemResult(prediction.Outputs, null, Usage(prediction))
                : new BatchItemResult(null, prediction.Error, Usage(prediction));
        }
        catch (Exception ex) when (problems.TryMap(ex) is { } problem)
        {
            return new BatchItemResult(null, problem is Microsoft.AspNetCore.Http.HttpValidationProblemDetails validation
                ? string.Join("; ", validation.Errors.SelectMany(e => e.Value))
                : $"{problem.Title}: {problem.Detail}", null);
        }
    }

    private static TokenUsageDto? Usage(Prediction prediction) =>
        prediction.Usage is var u && u.TotalTokens > 0 ? new TokenUsageDto(u.InputTokens, u.OutputTokens) : null;

    /// <summary>Request inputs as the module takes them.</summary>
    internal static IReadOnlyDictionary<string, object?> Inputs(JsonObject json) =>
        (IReadOnlyDictionary<string, object?>)FieldValueJson.FromJsonNode(json)!;
}

/// <summary>A prediction's answer, or the error of a model reply that could not be read.</summary>
/// <param name="Response">The answer, or null.</param>
/// <param name="UnreadableReply">Why the model's reply could not be used, when <paramref name="Response"/> is null.</param>
public sealed record PredictionOutcome(PredictResponse? Response, string? UnreadableReply);
