using System.Net;
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
    private readonly PartitionedRateLimiter<CallerKey> _limiter;

    /// <summary>Creates the buckets from the options.</summary>
    public CallerRateLimiter(IOptions<RateLimitOptions> options)
    {
        Options = options.Value;
        var bucket = Options.ToBucket();
        _limiter = PartitionedRateLimiter.Create<CallerKey, CallerKey>(caller => RateLimitPartition.GetTokenBucketLimiter(caller, _ => bucket));
        ForRequests = _limiter.WithTranslatedKey<HttpContext>(Caller, leaveOpen: true);
    }

    /// <summary>The options in force.</summary>
    public RateLimitOptions Options { get; }

    /// <summary>The limiter as the middleware's global limiter sees it.</summary>
    public PartitionedRateLimiter<HttpContext> ForRequests { get; }

    /// <summary>Takes <paramref name="permits"/> more permits from the caller's bucket, without waiting.</summary>
    public RateLimitLease AttemptAcquire(HttpContext context, int permits) => _limiter.AttemptAcquire(Caller(context), permits);

    /// <summary>
    /// The partition of a request: the API key id or token subject of an authenticated caller (with the scheme that
    /// authenticated it), else the client address. A value of the strings and address the request already holds, so
    /// finding a caller's bucket builds no string per request.
    /// </summary>
    public static CallerKey Caller(HttpContext context)
    {
        return context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } identity
            ? new CallerKey(identity.AuthenticationType, name, null)
            : new CallerKey(null, null, context.Connection.RemoteIpAddress);
    }

    public void Dispose()
    {
        ForRequests.Dispose();
        _limiter.Dispose();
    }
}

/// <summary>
/// Whose bucket a request takes its permits from: an authenticated caller's scheme and name (<see cref="Address"/> null),
/// or an anonymous caller's address (<see cref="Scheme"/> and <see cref="Name"/> null; requests without one share a bucket).
/// Compared by value, ordinal.
/// </summary>
public readonly record struct CallerKey(string? Scheme, string? Name, IPAddress? Address)
{
    /// <inheritdoc />
    public override string ToString() => Address is null && Name is not null ? $"{Scheme}:{Name}" : $"ip:{Address}";
}
