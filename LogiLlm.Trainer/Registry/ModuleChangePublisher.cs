using System.Text.Json;
using LogiLlm.Registry;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Registry;

/// <summary>Tells every inference replica that a module's versions or aliases changed (Redis pub/sub).</summary>
public sealed class ModuleChangePublisher(IConnectionMultiplexer redis, ILogger<ModuleChangePublisher> logger)
{
    /// <summary>Publishes the change; a cache that is down must not fail the write that already succeeded.</summary>
    public async Task PublishAsync(ModuleChange change)
    {
        try
        {
            var payload = JsonSerializer.Serialize(change, ModuleChangeJsonContext.Default.ModuleChange);
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(ModuleChange.Channel), payload);
        }
        catch (RedisException ex)
        {
            logger.LogWarning(ex, "Could not publish the change of module {Module}; inference replicas will see it when their cached entries expire.", change.Name);
        }
    }
}
