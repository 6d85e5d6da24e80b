using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LogiLlm.Hosting;

/// <summary>
/// The model-answer cache both services put in their chat client pipeline, so that inference's repeated predictions and
/// the trainer's repeated evaluations of deterministic calls share answers: <see cref="DeterministicResponseCache"/> over
/// Redis (the Aspire-registered connection, keys <c>logillm:response:*</c> with a TTL, so the cache resource's
/// <c>volatile-lru</c> may evict them and never the job queue), with a bounded memory layer in front. This file is
/// compiled into both services.
/// </summary>
public static class ResponseCacheRegistration
{
    /// <summary>Prefix of the Redis keys of cached answers.</summary>
    public const string KeyPrefix = "logillm:response:";

    /// <summary>Binds <see cref="ResponseCacheOptions"/> (<c>PredictionCache</c>) and adds the cache to <paramref name="chat"/>.</summary>
    public static ChatClientBuilder UseSharedResponseCache(this ChatClientBuilder chat, IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ResponseCacheOptions>()
            .BindConfiguration(ResponseCacheOptions.SectionName)
            .Validate(o => o.Ttl > TimeSpan.Zero && o.Timeout > TimeSpan.Zero && o.MemoryTtl > TimeSpan.Zero, "PredictionCache lifetimes and timeout must be positive.")
            .Validate(o => o.MaxEntryBytes > 0 && o.MemoryEntries >= 0, "PredictionCache:MaxEntryBytes must be positive and MemoryEntries not negative.")
            .ValidateOnStart();
        return chat.UseLogiLlmResponseCache(
            sp => new RedisCache(Options.Create(new RedisCacheOptions
            {
                InstanceName = KeyPrefix,
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
            })),
            sp => sp.GetRequiredService<IOptions<ResponseCacheOptions>>().Value,
            (_, options) => options.MemoryEntries > 0 ? new MemoryCache(new MemoryCacheOptions { SizeLimit = options.MemoryEntries }) : null);
    }
}
