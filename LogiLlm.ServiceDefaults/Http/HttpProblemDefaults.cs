using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>How both services answer bad requests and failures: ProblemDetails with a traceId, mapped in one place.</summary>
public static class HttpProblemDefaults
{
    /// <summary>Adds ProblemDetails (with <c>traceId</c>), <see cref="ProblemExceptionHandler"/>, and makes body binding
    /// failures reach it with their reason instead of an empty 400.</summary>
    public static IServiceCollection AddHttpProblemDefaults(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier);
            // The framework's own status answers (no route, wrong media type, ...) carry no detail: name the problem.
            context.ProblemDetails.Detail ??= DefaultDetail(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// Adds a service's own exception mapping (a singleton, also resolvable as <typeparamref name="TMapper"/>), asked by
    /// <see cref="ProblemExceptionHandler"/> before the shared rules.
    /// </summary>
    public static IServiceCollection AddExceptionProblemMapper<TMapper>(this IServiceCollection services)
        where TMapper : class, IExceptionProblemMapper
    {
        services.AddSingleton<TMapper>();
        services.AddSingleton<IExceptionProblemMapper>(sp => sp.GetRequiredService<TMapper>());
        return services;
    }

    private static string? DefaultDetail(int status) => status switch
    {
        StatusCodes.Status404NotFound => "Nothing is served at this path and method: check the route, the module name and the version or alias.",
        StatusCodes.Status405MethodNotAllowed => "This path does not accept this HTTP method.",
        StatusCodes.Status415UnsupportedMediaType => "The request body must be JSON: send 'Content-Type: application/json'.",
        StatusCodes.Status406NotAcceptable => "The answer is JSON: accept 'application/json' or 'application/problem+json'.",
        _ => null,
    };
}
