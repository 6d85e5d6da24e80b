using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace LogiLlm.Inference.Modules;

/// <summary>Degraded, not dead, while Redis is down: loaded modules are still served from memory.</summary>
public sealed class CacheHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered PING in {latency.TotalMilliseconds:0.0} ms.");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis is unreachable; serving modules already loaded in memory.", ex);
        }
    }
}
