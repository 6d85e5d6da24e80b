using LogiLlm.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Hosting;

/// <summary>Wires a host's logging into <see cref="PersistenceLogging.DefaultLoggerFactory"/> for the host's lifetime.</summary>
public static class PersistenceLoggingServiceCollectionExtensions
{
    /// <summary>
    /// While the host runs, saves and loads that name no logger (e.g. a plain <c>Predict.Load(path)</c>) log their warnings
    /// and debug lines through the host's <see cref="ILoggerFactory"/> (category <see cref="PersistenceLogging.CategoryName"/>).
    /// </summary>
    public static IServiceCollection AddLogiLlmPersistenceLogging(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddHostedService<PersistenceLoggingBridge>();
        return services;
    }

    private sealed class PersistenceLoggingBridge(ILoggerFactory loggerFactory) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            PersistenceLogging.DefaultLoggerFactory = loggerFactory;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            PersistenceLogging.Reset(loggerFactory);
            return Task.CompletedTask;
        }
    }
}
