using System.Text.Json;
using LogiLlm.Registry;
using System.Threading.Channels;
using StackExchange.Redis;

namespace LogiLlm.Inference.Modules;

/// <summary>Listens to the trainer's module changes on Redis and moves cached aliases to the new versions.</summary>
public sealed class ModuleChangeListener(IConnectionMultiplexer redis, ModuleResolver resolver, ILogger<ModuleChangeListener> logger)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ChannelClosedException)
            {
                // Serving goes on from memory; subscribe again once Redis is back.
                logger.LogWarning(ex, "Not subscribed to module changes; retrying.");
                await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(ModuleChange.Channel));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var message = await queue.ReadAsync(stoppingToken);
                await HandleAsync(message.Message.ToString(), stoppingToken);
            }
        }
        finally
        {
            await queue.UnsubscribeAsync();
        }
    }

    private async Task HandleAsync(string payload, CancellationToken cancellationToken)
    {
        try
        {
            var change = JsonSerializer.Deserialize(payload, ModuleChangeJsonContext.Default.ModuleChange);
            if (change is null)
            {
                return;
            }

            logger.LogInformation("Module {Module} changed: version {Version} is now {Aliases}", change.Name, change.Version, string.Join(", ", change.Aliases));
            await resolver.ApplyChangeAsync(change, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Ignoring a module change that could not be applied.");
        }
    }
}
