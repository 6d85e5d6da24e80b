using System.Text.Json;
using System.Threading.Channels;
using System.Globalization;
using LogiLlm.Hosting;
using LogiLlm.Registry;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Registry;

/// <summary>
/// Tells every inference replica that a module's versions or aliases changed. The registry write is the operation and
/// has already succeeded when a change is announced, so announcing never fails the caller: changes are queued and, in
/// the background, (1) written into the shared module cache (the document by digest, and what the version and its
/// aliases point at), so the backplane refreshes every replica and none of them calls back to fetch the document,
/// and (2) published on Redis pub/sub (<see cref="ModuleChange.Channel"/>), retried until Redis takes it. A replica that
/// misses both still sees the change when its cached alias expires (<see cref="ModuleCacheOptions.AliasLifetime"/>).
/// </summary>
public sealed class ModuleChangePublisher(
    IConnectionMultiplexer redis,
    IModuleStore store,
    [FromKeyedServices(ModuleCacheKeys.CacheName)] IFusionCache cache,
    IOptions<ModuleCacheOptions> cacheOptions,
    ILogger<ModuleChangePublisher> logger) : BackgroundService
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
                await WriteToCacheAsync(change, stoppingToken);
                await PublishWithRetriesAsync(change, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteToCacheAsync(ModuleChange change, CancellationToken stoppingToken)
    {
        try
        {
            var stored = await store.GetAsync(new ModuleRef(change.Name, change.Version), stoppingToken);
            if (stored is null)
            {
                return;
            }

            // Cache failures do not throw: the cache retries its Redis writes and backplane messages when Redis is back.
            var options = cacheOptions.Value;
            var pointer = new ModulePointer(change.Name, stored.Version, stored.Info.Sha256);
            await cache.SetAsync(ModuleCacheKeys.Document(pointer.Sha256), stored.Document, ModuleCacheRegistration.DocumentOptions(options), stoppingToken);
            await cache.SetAsync(ModuleCacheKeys.Pointer(change.Name, stored.Version.ToString(CultureInfo.InvariantCulture)), pointer,
                ModuleCacheRegistration.PointerOptions(options, alias: false).SetSkipMemoryCacheWrite(), stoppingToken);
            foreach (var alias in change.Aliases)
            {
                await WriteAliasAsync(change.Name, alias, pointer, stoppingToken);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or LogiLlm.Persistence.PersistenceException)
        {
            logger.LogWarning(ex, "Could not read {Module}@{Version} back to write it into the module cache; replicas fetch it from the registry", change.Name, change.Version);
        }
    }

    /// <summary>
    /// Writes what <paramref name="alias"/> points at, unless a newer change moved it meanwhile. Replicas announce their
    /// changes concurrently (two imports at once on two trainers), so the change of version 19 may be written after that
    /// of 20: the alias is written only while the registry says it points at this version, and checked again after the
    /// write; if it moved, the pointer is removed, so that replicas ask the registry. Removing is safe in any order, and
    /// the last write is always followed by a read of the registry, so the cache never keeps an older version.
    /// </summary>
    private async Task WriteAliasAsync(string name, string alias, ModulePointer pointer, CancellationToken stoppingToken)
    {
        var key = ModuleCacheKeys.Pointer(name, alias);
        if (await PointsAtAsync(name, alias, pointer.Version, stoppingToken))
        {
            await cache.SetAsync(key, pointer, ModuleCacheRegistration.PointerOptions(cacheOptions.Value, alias: true).SetSkipMemoryCacheWrite(), stoppingToken);
            if (await PointsAtAsync(name, alias, pointer.Version, stoppingToken))
            {
                return;
            }
        }

        await cache.RemoveAsync(key, token: stoppingToken);
    }

    private async Task<bool> PointsAtAsync(string name, string alias, int version, CancellationToken stoppingToken) =>
        (await store.GetAliasesAsync(name, stoppingToken)).TryGetValue(alias, out var current) && current == version;

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
