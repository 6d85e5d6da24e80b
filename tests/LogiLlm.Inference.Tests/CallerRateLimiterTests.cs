using System.Net;
using System.Security.Claims;
using LogiLlm.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace LogiLlm.Inference.Tests;

/// <summary>Whose bucket a request spends: one per authenticated caller (scheme and name), else one per client address.</summary>
public sealed class CallerRateLimiterTests
{
    [Fact]
    public void Requests_of_one_caller_share_its_bucket_and_every_other_caller_has_its_own()
    {
        // One permit a minute: a second request of the same caller within the test is refused.
        using var limiter = new CallerRateLimiter(Options.Create(new RateLimitOptions { PermitsPerMinute = 1 }));
        foreach (var caller in Callers())
        {
            using var first = limiter.AttemptAcquire(caller, 1);
            Assert.True(first.IsAcquired);
        }

        // The same callers in new requests.
        foreach (var caller in Callers())
        {
            using var second = limiter.AttemptAcquire(caller, 1);
            Assert.False(second.IsAcquired);
        }
    }

    private static HttpContext[] Callers() =>
    [
        Authenticated("ApiKey", "predict-key-1"),
        Authenticated("ApiKey", "predict-key-2"),
        Authenticated("Bearer", "predict-key-1"),
        Anonymous(IPAddress.Parse("10.0.0.1")),
        Anonymous(IPAddress.Parse("10.0.0.2")),
        Anonymous(null),
    ];

    [Fact]
    public void An_authenticated_caller_is_named_by_scheme_and_name_and_an_anonymous_one_by_address()
    {
        Assert.Equal("ApiKey:predict-key-1", CallerRateLimiter.Caller(Authenticated("ApiKey", "predict-key-1")).ToString());
        Assert.Equal("ip:10.0.0.1", CallerRateLimiter.Caller(Anonymous(IPAddress.Parse("10.0.0.1"))).ToString());
        Assert.Equal(CallerRateLimiter.Caller(Anonymous(IPAddress.Parse("::1"))), CallerRateLimiter.Caller(Anonymous(IPAddress.IPv6Loopback)));
    }

    private static DefaultHttpContext Authenticated(string scheme, string name) =>
        new() { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name)], scheme)) };

    private static DefaultHttpContext Anonymous(IPAddress? address)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = address;
        return context;
    }
}
