using StackExchange.Redis;

namespace LogiLlm.Trainer.Jobs;

/// <summary>Writes the latest progress to Redis, at most once per interval (optimizers may report very often).</summary>
internal sealed class ProgressReporter(TrainingJobLeases leases, JobLease lease, TimeSpan interval, TimeProvider time, ILogger logger) : IProgress<TrainingProgress>
{
    private readonly Lock _gate = new();
    private TrainingProgress? _pending;
    private Task _writer = Task.CompletedTask;
    private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;
    private int _lastTrial = -1;
    private int _events;

    /// <summary>The job's span, which gets one <c>trial</c> event per step (bounded).</summary>
    public System.Diagnostics.Activity? Span { get; set; }

    public void Report(TrainingProgress value)
    {
        lock (_gate)
        {
            if (Span is { IsAllDataRequested: true } span && value.Done != _lastTrial && _events < TrainerTelemetry.MaxTrialEvents)
            {
                _lastTrial = value.Done;
                _events++;
                TrainerTelemetry.AddTrial(span, value);
            }

            var scheduled = _pending is not null;
            _pending = value;
            if (scheduled)
            {
                return;
            }

            var wait = _lastWrite + interval - time.GetUtcNow();
            _writer = _writer.ContinueWith(_ => WriteAfterAsync(wait), TaskScheduler.Default).Unwrap();
        }
    }

    public Task FlushAsync()
    {
        lock (_gate)
        {
            return _writer;
        }
    }

    private async Task WriteAfterAsync(TimeSpan wait)
    {
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time);
        }

        TrainingProgress? value;
        lock (_gate)
        {
            value = _pending;
            _pending = null;
            _lastWrite = time.GetUtcNow();
        }

        if (value is null)
        {
            return;
        }

        try
        {
            await leases.ReportProgressAsync(lease, value);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            logger.LogDebug(ex, "Could not record progress of training job {JobId}", lease.JobId);
        }
    }
}
