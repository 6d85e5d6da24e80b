using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Jobs;

/// <summary>The retried steps of a job's end (renew, claim and record the publish, complete, fail, cancel).</summary>
internal sealed class JobEndSteps(IOptions<TrainingJobOptions> options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs one step of a job's end (renew, record, complete, fail, cancel) until Redis takes it, for at most
    /// <see cref="TrainingJobOptions.EndRetryWindow"/>. Returns the step's answer, or null when it never got through
    /// (then the lease lapses and the reaper requeues or fails the job; a re-run reuses a version already published).
    /// </summary>
    public async Task<T?> RunAsync<T>(string what, Func<Task<T>> step, CancellationToken stoppingToken)
        where T : struct
    {
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
            {
                if (time.GetElapsedTime(started) >= options.Value.EndRetryWindow || stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "Could not {Step} the training job after {Attempts} attempts; its lease will lapse and the job will be requeued", what, attempt);
                    return null;
                }

                logger.LogWarning(ex, "Could not {Step} the training job (attempt {Attempt}); retrying", what, attempt);
                await DelayAsync(RetryDelay(attempt), time, stoppingToken);
            }
        }
    }

    /// <summary>Backoff of the attempt-th retry: 200 ms doubling, at most 5 s.</summary>
    public static TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt, 10))));

    /// <summary>Waits <paramref name="delay"/>; a cancellation ends the wait early without throwing.</summary>
    public static async Task DelayAsync(TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
