using LogiLlm.Persistence;
using LogiLlm.Providers;
using Microsoft.AspNetCore.Mvc;

namespace LogiLlm.Inference.Predictions;

/// <summary>
/// How the inference service answers its domain's failures (asked by the shared <see cref="ProblemExceptionHandler"/>):
/// inputs that do not fit -> 400 naming each field, an unreachable registry -> 503, a module that does not load -> 502,
/// a provider failure -> 503 when a retry may help, else 502. A provider's own text names its account (org, project,
/// masked key), so it goes to the (redacted) log only, never to the caller.
/// </summary>
public sealed class InferenceProblemMapper(ILogger<InferenceProblemMapper> logger) : IExceptionProblemMapper
{
    /// <inheritdoc />
    public ProblemDetails? TryMap(Exception exception)
    {
        switch (exception)
        {
            case ModuleInputException input:
                return new HttpValidationProblemDetails(InputErrors(input, "inputs")) { Status = StatusCodes.Status400BadRequest };
            case ModuleRegistryUnavailableException unavailable:
                logger.LogWarning(unavailable.InnerException, "The registry is unreachable for {Module}", unavailable.Reference);
                return Problem(StatusCodes.Status503ServiceUnavailable, "Registry unavailable", "The module registry is unreachable and this module is not cached here.");
            case PersistenceException persistence:
                return Problem(StatusCodes.Status502BadGateway, "The registry returned a module that does not load", persistence.Message);
            case ProviderException provider:
                logger.LogWarning(provider, "The model provider {Provider} failed with status {ProviderStatus}", provider.ProviderName, provider.StatusCode);
                return provider.IsTransient
                    ? Problem(
                        StatusCodes.Status503ServiceUnavailable,
                        "The model provider is unavailable",
                        "The model provider is unavailable; retry later. The cause is logged under the traceId of this answer.")
                    : Problem(
                        StatusCodes.Status502BadGateway,
                        "The model provider failed",
                        "The model provider refused or failed the call. The cause is logged under the traceId of this answer.");
            default:
                return null;
        }
    }

    /// <summary>The validation errors of <paramref name="ex"/>, keyed <c>{prefix}.{field}</c>.</summary>
    public static Dictionary<string, string[]> InputErrors(ModuleInputException ex, string prefix)
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

    private static ProblemDetails Problem(int status, string title, string detail) => new() { Status = status, Title = title, Detail = detail };
}
