using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LogiLlm.Registry;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace LogiLlm.Hosting;

/// <summary>
/// The shared module cache, registered the same way by the trainer (which writes entries when it publishes) and by
/// inference (which reads them): FusionCache named <see cref="ModuleCacheKeys.CacheName"/>, memory L1, Redis L2 on the
/// Aspire-registered connection, Redis pub/sub backplane (no stream commands, so Garnet works too). This file is
/// compiled into both services.
/// </summary>
public static class ModuleCacheRegistration
{
    /// <summary>Adds the module cache and binds <see cref="ModuleCacheOptions"/> (<c>ModuleCache</c> section).</summary>
    public static IHostApplicationBuilder AddModuleCache(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ModuleCacheOptions>()
            .BindConfiguration(ModuleCacheOptions.SectionName)
            .Validate(o => o.AliasLifetime > TimeSpan.Zero && o.VersionLifetime > TimeSpan.Zero && o.DocumentLifetime > TimeSpan.Zero
                && o.FailSafeMaxDuration > TimeSpan.Zero && o.RedisTimeout > TimeSpan.Zero && o.RegistrySoftTimeout > TimeSpan.Zero,
                "ModuleCache lifetimes and timeouts must be positive.")
            .Validate(o => o.MaxLoadedModules is >= 1 and <= 100_000, "ModuleCache:MaxLoadedModules must be between 1 and 100000.")
            .ValidateOnStart();

        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            TypeInfoResolver = JsonTypeInfoResolver.Combine(ModuleCacheJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        };
        builder.Services.AddFusionCache(ModuleCacheKeys.CacheName)
            .AsKeyedServiceByCacheName()
            .WithOptions(options =>
            {
                options.CacheKeyPrefix = ModuleCacheKeys.CacheName + ":";
                // Writes and backplane notifications that failed while Redis was unreachable are replayed when it is back.
                options.EnableAutoRecovery = true;
                // While Redis is down, skip it for a moment instead of waiting on every call.
                options.DistributedCacheCircuitBreakerDuration = TimeSpan.FromSeconds(2);
                options.BackplaneCircuitBreakerDuration = TimeSpan.FromSeconds(2);
            })
            .WithSerializer(new FusionCacheSystemTextJsonSerializer(json))
            .WithDistributedCache(sp => new RedisCache(Options.Create(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
            })))
            .WithBackplane(sp => new RedisBackplane(Options.Create(new RedisBackplaneOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()),
            })));
        return builder;
    }

    /// <summary>Entry options of what a reference points at: the same on the trainer, which writes them on publish.</summary>
    public static FusionCacheEntryOptions PointerOptions(ModuleCacheOptions options, bool alias) => new()
    {
        Duration = alias ? options.AliasLifetime : options.VersionLifetime,
        IsFailSafeEnabled = true,
        FailSafeMaxDuration = options.FailSafeMaxDuration,
        FailSafeThrottleDuration = TimeSpan.FromSeconds(Math.Min(5, options.AliasLifetime.TotalSeconds / 2)),
        EagerRefreshThreshold = 0.8f,
        FactorySoftTimeout = options.RegistrySoftTimeout,
        DistributedCacheSoftTimeout = options.RedisTimeout / 4,
        DistributedCacheHardTimeout = options.RedisTimeout,
        AllowBackgroundDistributedCacheOperations = true,
        AllowBackgroundBackplaneOperations = true,
    };

    /// <summary>Entry options of a document (content-addressed: memory is the loaded-module set, not a copy of the text).</summary>
    public static FusionCacheEntryOptions DocumentOptions(ModuleCacheOptions options) => new()
    {
        Duration = options.DocumentLifetime,
        SkipMemoryCacheRead = true,
        SkipMemoryCacheWrite = true,
        DistributedCacheSoftTimeout = options.RedisTimeout,
        DistributedCacheHardTimeout = options.RedisTimeout,
        AllowBackgroundDistributedCacheOperations = true,
    };
}
