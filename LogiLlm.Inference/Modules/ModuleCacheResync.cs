using StackExchange.Redis;

namespace LogiLlm.Inference.Modules;

/// <summary>
/// When the connection to Redis comes back, changes announced on the backplane meanwhile were missed: revalidate every
/// module reference this replica serves, so it converges at once instead of when the entries expire.
/// </summary>
public sealed class ModuleCacheResync(IConnectionMultiplexer redis, ModuleResolver resolver, ILogger<ModuleCacheResync> logger) : IHostedService
{
    private CancellationTokenSource? _stopping;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        redis.ConnectionRestored += OnRestored;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        redis.ConnectionRestored -= OnRestored;
        if (Interlocked.Exchange(ref _stopping, null) is { } stopping)
        {
            await stopping.CancelAsync();
            stopping.Dispose();
        }
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive || _stopping is not { } stopping)
        {
            return;
        }

        var token = stopping.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await resolver.ResynchronizeAsync(token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not ObjectDisposedException)
            {
                logger.LogWarning(ex, "Could not revalidate module references after reconnecting to Redis");
            }
        });
    }
}
