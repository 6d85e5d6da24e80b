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
            context.ProblemDetails.Extensions.TryAdd("traceId", Activity.Current?.Id ?? context.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }
}
