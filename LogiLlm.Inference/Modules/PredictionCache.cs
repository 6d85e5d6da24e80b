using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LogiLlm.Persistence;
using LogiLlm.Signatures;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LogiLlm.Inference.Modules;

/// <summary>
/// Caches predictions in Redis, keyed by everything that changes the answer (module digest, inputs, config, adapter,
/// serving provider and model), for modules whose answers are deterministic (temperature 0) or that ask for it
/// (<c>config.cache = true</c>). Entries expire (<see cref="PredictionCacheOptions.Ttl"/>); a cache that is down or
/// slow is skipped after <see cref="PredictionCacheOptions.Timeout"/>.
/// </summary>
public sealed class PredictionCache(IConnectionMultiplexer redis, IOptions<PredictionCacheOptions> options, ILogger<PredictionCache> logger)
{
    private PredictionCacheOptions Options => options.Value;

    /// <summary>Whether answers of this module may be cached.</summary>
    public static bool Applies(Module module) =>
        module.Config.TryGetValue("cache", out var flag) && flag is JsonValue value && value.TryGetValue<bool>(out var on)
            ? on
            : module.Config.Temperature is 0.0;

    /// <summary>The cache key of a prediction: a digest of everything that changes the answer.</summary>
    public static string Key(ResolvedModule resolved, IReadOnlyDictionary<string, object?> inputs)
    {
        var module = resolved.Module;
        var content = new JsonObject
        {
            ["module"] = resolved.Digest,
            ["inputs"] = FieldValueJson.ToJsonNode(inputs),
            ["config"] = module.Config.ToJsonObject(),
            ["adapter"] = module.Adapter.Name,
            ["provider"] = module.Provider?.Name,
            ["model"] = module.Provider?.Model,
        };
        return $"logillm:prediction:{DocumentDigest.OfCanonical(content)}";
    }

    /// <summary>A cached prediction, or null.</summary>
    public async Task<CachedPrediction?> GetAsync(string key)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(key).WaitAsync(Options.Timeout);
            return value.HasValue ? JsonSerializer.Deserialize(value.ToString(), PredictionCacheJsonContext.Default.CachedPrediction) : null;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or JsonException)
        {
            logger.LogDebug(ex, "Prediction cache unavailable");
            return null;
        }
    }

    /// <summary>Stores a prediction; failures are ignored.</summary>
    public async Task SetAsync(string key, CachedPrediction prediction)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(key, JsonSerializer.Serialize(prediction, PredictionCacheJsonContext.Default.CachedPrediction), Options.Ttl)
                .WaitAsync(Options.Timeout);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogDebug(ex, "Prediction cache unavailable");
        }
    }
}

/// <summary>The prediction cache (<c>PredictionCache</c> section).</summary>
public sealed class PredictionCacheOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "PredictionCache";

    /// <summary>Time to live of a cached prediction (the cache resource also evicts under <c>maxmemory</c>).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest wait for Redis before the prediction goes on without the cache.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>A prediction as cached: its outputs as JSON.</summary>
/// <param name="Outputs">The outputs.</param>
public sealed record CachedPrediction(JsonObject Outputs);

/// <summary>Source-generated JSON for the prediction cache.</summary>
[JsonSerializable(typeof(CachedPrediction))]
internal sealed partial class PredictionCacheJsonContext : JsonSerializerContext;
