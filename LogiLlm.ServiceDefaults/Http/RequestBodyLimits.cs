using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Request body limits per endpoint (<see cref="RequestBodyLimit"/> metadata) or, without one, the server's own limit;
/// a body past it is answered 413 naming the limit and its setting, whether its length is announced or not.
/// </summary>
public static class RequestBodyLimits
{
    /// <summary>The setting of the server-wide limit (Kestrel's <c>MaxRequestBodySize</c>, 30 MB unless configured).</summary>
    public const string ServerSetting = "Kestrel:Limits:MaxRequestBodySize";

    /// <summary>Accepts bodies of at most <paramref name="maxBytes"/> on these endpoints, configured by <paramref name="setting"/>.</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder builder, long maxBytes, string setting)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(maxBytes, setting));

    /// <summary>Enforces the limits; place it after <c>UseExceptionHandler</c>, which turns the overflow into a 413.</summary>
    public static IApplicationBuilder UseRequestBodyLimits(this IApplicationBuilder app) => app.Use(next => context =>
    {
        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<RequestBodyLimit>()
            ?? (feature?.MaxRequestBodySize is { } serverLimit ? new RequestBodyLimit(serverLimit, ServerSetting) : null);
        if (limit is not null)
        {
            if (context.Request.ContentLength > limit.MaxBytes)
            {
                throw new RequestBodyTooLargeException(limit);
            }

            // The server's own check would throw an IOException that body binding swallows; ours is counted below.
            if (feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = null;
            }

            context.Request.Body = new LimitedRequestStream(context.Request.Body, limit);
        }

        return next(context);
    });
}
