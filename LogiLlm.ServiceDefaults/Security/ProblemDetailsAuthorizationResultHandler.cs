using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace LogiLlm.Security;

/// <summary>Challenges and forbids as the schemes do (status, <c>WWW-Authenticate</c>), then answers a ProblemDetails body.</summary>
public sealed class ProblemDetailsAuthorizationResultHandler(IProblemDetailsService problemDetails) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        await _default.HandleAsync(next, context, policy, authorizeResult);
        if (!(authorizeResult.Challenged || authorizeResult.Forbidden) || context.Response.HasStarted)
        {
            return;
        }

        var (title, detail) = authorizeResult.Challenged
            ? ("Authentication required",
                $"Send an API key as '{ApiKeyAuthenticationHandler.HeaderName}: <key>' or 'Authorization: Bearer <key>', or an OIDC bearer token; a key or token that is not accepted is treated as none.")
            : ("Forbidden",
                $"This endpoint needs role '{RequiredRole(policy)}'; predictions need role '{LogiLlmRoles.Predict}', everything else role '{LogiLlmRoles.Admin}'.");
        await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = context.Response.StatusCode, Title = title, Detail = detail },
        });
    }

    private static string RequiredRole(AuthorizationPolicy policy) =>
        policy.Requirements.OfType<RolesAuthorizationRequirement>().SelectMany(r => r.AllowedRoles).Contains(LogiLlmRoles.Predict)
            ? LogiLlmRoles.Predict
            : LogiLlmRoles.Admin;
}
