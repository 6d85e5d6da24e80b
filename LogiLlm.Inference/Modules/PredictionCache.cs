using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LogiLlm.Persistence;
using LogiLlm.Signatures;
using StackExchange.Redis;

namespace LogiLlm.Inference.Modules;

/// <summary>
/// Caches predictions in Redis, keyed by module digest + inputs + config, for modules whose answers are
/// deterministic (temperature 0) or that ask for it (<c>config.cache = true</c>). A cache that is down is skipped.
/// </summary>
public sealed class PredictionCache(IConnectionMultiplexer redis, ILogger<PredictionCache> logger)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromHours(24);

    /// <summary>Whether answers of this module may be cached.</summary>
    public static bool Applies(Module module) =>
        module.Config.TryGetValue("cache", out var flag) && flag is JsonValue value && value.TryGetValue<bool>(out var on)
            ? on
            : module.Config.Temperature is 0.0;

    /// <summary>The cache key of a prediction.</summary>
    public static string Key(ResolvedModule resolved, IReadOnlyDictionary<string, object?> inputs)
    {
        var content = new JsonObject
        {
            ["module"] = resolved.Digest,
            ["inputs"] = FieldValueConverter.ToJsonNode(inputs),
            ["config"] = resolved.Module.Config.ToJsonObject(),
        };
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CanonicalJson.WriterOptions))
        {
            CanonicalJson.Write(writer, content);
        }

        return $"logillm:prediction:{Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan))}";
    }

    /// <summary>A cached prediction, or null.</summary>
    public async Task<CachedPrediction?> GetAsync(string key)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(key);
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
            await redis.GetDatabase().StringSetAsync(key, JsonSerializer.Serialize(prediction, PredictionCacheJsonContext.Default.CachedPrediction), Ttl);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogDebug(ex, "Prediction cache unavailable");
        }
    }
}

/// <summary>A prediction as cached: its outputs as JSON.</summary>
/// <param name="Outputs">The outputs.</param>
public sealed record CachedPrediction(JsonObject Outputs);

/// <summary>Source-generated JSON for the prediction cache.</summary>
[JsonSerializable(typeof(CachedPrediction))]
internal sealed partial class PredictionCacheJsonContext : JsonSerializerContext;
