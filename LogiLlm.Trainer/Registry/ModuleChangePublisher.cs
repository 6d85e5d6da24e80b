using System.Text.Json;
using System.Threading.Channels;
using LogiLlm.Registry;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Registry;

/// <summary>
/// Tells every inference replica that a module's versions or aliases changed (Redis pub/sub). The registry write is
/// the operation and has already succeeded when a change is announced, so announcing never fails the caller: changes
/// are queued and published in the background, retried until Redis takes them. Inference replicas that miss one
/// still see the change when their cached alias expires (a bounded lifetime).
/// </summary>
public sealed class ModuleChangePublisher(IConnectionMultiplexer redis, ILogger<ModuleChangePublisher> logger) : BackgroundService
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    // Bounded: during a long outage only the newest changes matter (replicas revalidate aliases anyway).
    private readonly Channel<ModuleChange> _pending = Channel.CreateBounded<ModuleChange>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Queues the announcement of <paramref name="change"/>; returns at once.</summary>
    public void Announce(ModuleChange change) => _pending.Writer.TryWrite(change);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                await PublishWithRetriesAsync(change, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishWithRetriesAsync(ModuleChange change, CancellationToken stoppingToken)
    {
        var payload = JsonSerializer.Serialize(change, ModuleChangeJsonContext.Default.ModuleChange);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(ModuleChange.Channel), payload);
                if (attempt > 1)
                {
                    logger.LogInformation("Announced the change of module {Module} to version {Version} after {Attempts} attempts", change.Name, change.Version, attempt);
                }

                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not announce the change of module {Module} to version {Version} (attempt {Attempt}); retrying", change.Name, change.Version, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt, 10)))), stoppingToken);
            }
        }
    }
}
