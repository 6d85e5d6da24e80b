using System.Globalization;
using System.Threading.RateLimiting;
using LogiLlm.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Rate limits per caller with ASP.NET Core's rate limiter: a token bucket per API key, token subject or client
/// address (<c>RateLimit:PermitsPerMinute</c>); a refusal is a 429 ProblemDetails with <c>Retry-After</c>.
/// </summary>
public static class RateLimitingExtensions
{
    /// <summary>Registers the per-caller buckets as the middleware's global limiter (health endpoints are exempt); call after <c>AddServiceDefaults</c>, whose ProblemDetails write the 429.</summary>
    public static TBuilder AddLogiLlmRateLimiting<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CallerRateLimiter>();
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => new ValueTask(WriteRejectionAsync(context.HttpContext, context.Lease));
        });
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<CallerRateLimiter>((options, limiter) => options.GlobalLimiter = limiter.ForRequests);
        return builder;
    }

    /// <summary>
    /// Makes one request of this endpoint cost <paramref name="permits"/> (at least one): the middleware took one permit
    /// at the door, this filter takes the rest once the body is read. A cost larger than a caller's whole bucket is a 400.
    /// </summary>
    public static TBuilder WithRequestCost<TBuilder, TRequest>(this TBuilder builder, Func<TRequest?, int> permits, string field)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var limiter = context.HttpContext.RequestServices.GetService<CallerRateLimiter>();
            var cost = permits(context.Arguments.OfType<TRequest>().FirstOrDefault());
            if (limiter is null || cost <= 1)
            {
                return await next(context);
            }

            if (cost > limiter.Options.PermitsPerMinute)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    [field] = [$"This request counts as {cost} requests, more than the {limiter.Options.PermitsPerMinute} a caller may make per minute; send fewer items."],
                });
            }

            using var lease = limiter.AttemptAcquire(context.HttpContext, cost - 1);
            if (!lease.IsAcquired)
            {
                await WriteRejectionAsync(context.HttpContext, lease);
                return Results.Empty;
            }

            return await next(context);
        });

    private static async Task WriteRejectionAsync(HttpContext context, RateLimitLease lease)
    {
        var limiter = context.RequestServices.GetRequiredService<CallerRateLimiter>();
        var detail = $"The limit is {limiter.Options.PermitsPerMinute} requests per minute per API key, token subject or client address (a batch item counts as a request).";
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            detail += $" Retry after {seconds} s.";
        }

        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }
}
