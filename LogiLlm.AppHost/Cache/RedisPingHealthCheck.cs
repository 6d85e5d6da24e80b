using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace LogiLlm.AppHost.Cache;

/// <summary>Healthy when the cache answers PING on its connection string.</summary>
internal sealed class RedisPingHealthCheck(IResourceWithConnectionString resource) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await GetConnectionAsync(cancellationToken);
            var latency = await connection.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING answered in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The cache does not answer PING yet.", ex);
        }
    }

    private async Task<ConnectionMultiplexer> GetConnectionAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is { IsConnected: true })
            {
                return _connection;
            }

            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken)
                ?? throw new InvalidOperationException("The cache has no connection string yet.");
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = true;
            options.ConnectTimeout = 2000;
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
            }

            _connection = await ConnectionMultiplexer.ConnectAsync(options);
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        _gate.Dispose();
    }
}
