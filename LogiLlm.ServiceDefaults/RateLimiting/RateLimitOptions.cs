using System.ComponentModel.DataAnnotations;

namespace LogiLlm.RateLimiting;

/// <summary>Request rate per caller (<c>RateLimit</c> section): a token bucket per API key, token subject or client address.</summary>
public sealed class RateLimitOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "RateLimit";

    /// <summary>Requests per minute per caller; also the burst a caller may spend at once. A batch item counts as a request.</summary>
    [Range(1, 10_000_000)]
    public int PermitsPerMinute { get; set; } = 600;

    /// <summary>
    /// The bucket: holds a minute's worth of permits and refills steadily (one permit every 60/N s, in steps of at
    /// least 100 ms), so a caller that spent its burst is served again as soon as permits trickle back.
    /// </summary>
    public System.Threading.RateLimiting.TokenBucketRateLimiterOptions ToBucket()
    {
        var minimumStep = TimeSpan.FromMilliseconds(100);
        var step = TimeSpan.FromMinutes(1) / PermitsPerMinute;
        var tokensPerStep = 1;
        if (step < minimumStep)
        {
            step = minimumStep;
            tokensPerStep = (int)Math.Ceiling(PermitsPerMinute / (TimeSpan.FromMinutes(1) / minimumStep));
        }

        return new()
        {
            TokenLimit = PermitsPerMinute,
            TokensPerPeriod = tokensPerStep,
            ReplenishmentPeriod = step,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}
