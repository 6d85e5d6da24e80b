using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Security;

/// <summary>Logs, once at startup, that access is open to loopback callers.</summary>
internal sealed partial class OpenAccessWarning(ILogger<OpenAccessWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogOpenAccess(logger, AuthHealthCheck.OpenAccessWarning);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogOpenAccess(ILogger logger, string warning);
}
