using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LogiLlm.RateLimiting;

/// <summary>
/// One token bucket per caller, shared by the rate limiting middleware (one permit per request) and by endpoints whose
/// request costs more (a batch of N items takes N permits in all).
/// </summary>
public sealed class CallerRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;

    /// <summary>Creates the buckets from the options.</summary>
    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        Options = options.Value;
        var bucket = Options.ToBucket();
        _limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ => bucket));
        ForRequests = _limiter.WithTranslatedKey<HttpContext>(Caller, leaveOpen: true);
    }

    /// <summary>The options in force.</summary>
    public RateLimitOptions Options { get; }

    /// <summary>The limiter as the middleware's global limiter sees it.</summary>
    public PartitionedRateLimiter<HttpContext> ForRequests { get; }

    /// <summary>Takes <paramref name="permits"/> more permits from the caller's bucket, without waiting.</summary>
    public RateLimitLease AttemptAcquire(HttpContext context, int permits) => _limiter.AttemptAcquire(Caller(context), permits);

    /// <summary>
    /// The partition of a request: the API key id or token subject of an authenticated caller, else the client address.
    /// </summary>
    public static string Caller(HttpContext context)
    {
        return context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } identity
            ? $"{identity.AuthenticationType}:{name}"
            : $"ip:{context.Connection.RemoteIpAddress}";
    }

    public void Dispose()
    {
        ForRequests.Dispose();
        _limiter.Dispose();
    }
}
