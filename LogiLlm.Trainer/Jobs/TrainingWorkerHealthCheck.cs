using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// Liveness of the training job worker: Unhealthy when a slot stopped or has neither polled the queue nor run a job
/// for longer than the fallback poll plus a margin for Redis timeouts, so the orchestrator restarts the replica.
/// A Redis outage alone keeps it healthy (slots go on polling and retrying); readiness reports that.
/// </summary>
public sealed class TrainingWorkerHealthCheck(TrainingJobWorker worker, IOptions<TrainingJobOptions> options) : IHealthCheck
{
    /// <summary>Margin over <see cref="TrainingJobOptions.PollInterval"/> before an idle slot counts as stalled.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!worker.HasSlots)
        {
            return Task.FromResult(HealthCheckResult.Healthy("This replica runs no training job slots."));
        }

        if (worker.ExecuteTask is { IsCompleted: true } ended && !ended.IsCompletedSuccessfully)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The training job worker stopped.", ended.Exception));
        }

        var stalled = worker.DescribeStalledSlots(options.Value.PollInterval + Margin);
        return Task.FromResult(stalled.Count == 0
            ? HealthCheckResult.Healthy("Every training job slot is polling or running a job.")
            : HealthCheckResult.Unhealthy("Training job slots are not polling: " + string.Join("; ", stalled) + "."));
    }
}
