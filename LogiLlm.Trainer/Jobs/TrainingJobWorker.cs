using System.Collections.Concurrent;
using System.Threading.Channels;
using LogiLlm.Hosting;
using LogiLlm.Persistence;
using LogiLlm.Registry;
using LogiLlm.Trainer.Registry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// Runs queued training jobs on this replica (<see cref="TrainingJobOptions.Concurrency"/> at a time): claims a job
/// with a lease, renews the lease while the optimizer runs, publishes the optimized module to the registry, and
/// requeues jobs whose worker died. Cancellation arrives over pub/sub and, as a fallback, with each lease renewal.
/// </summary>
public sealed class TrainingJobWorker(
    TrainingJobStore jobs,
    ITrainingRunner runner,
    IModuleStore modules,
    ModuleChangePublisher publisher,
    IConnectionMultiplexer redis,
    IOptions<TrainingJobOptions> options,
    TimeProvider time,
    TrainingMetrics metrics,
    ModuleFileOptions files,
    ILogger<TrainingJobWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Identifies this worker in job records and logs.</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Ids of the jobs this worker runs now.</summary>
    public IReadOnlyCollection<string> RunningJobIds => _running.Keys.ToArray();

    private TrainingJobOptions Options => options.Value;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Options.Concurrency == 0)
        {
            logger.LogInformation("Training job worker disabled (TrainingJobs:Concurrency = 0)");
            return;
        }

        await SubscribeAsync(stoppingToken);
        logger.LogInformation("Training job worker {Worker} started with {Concurrency} slot(s)", WorkerId, Options.Concurrency);
        var slots = Enumerable.Range(0, Options.Concurrency).Select(_ => RunSlotAsync(stoppingToken)).ToList();
        slots.Add(RunReaperAsync(stoppingToken));
        await Task.WhenAll(slots);
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        var subscriber = redis.GetSubscriber();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await subscriber.SubscribeAsync(jobs.WakeChannel, (_, _) => _wake.Writer.TryWrite(true));
                await subscriber.SubscribeAsync(jobs.CancelChannel, (_, message) =>
                {
                    if (_running.TryGetValue(message.ToString(), out var job))
                    {
                        job.RequestCancel();
                    }
                });
                return;
            }
            catch (RedisException ex)
            {
                logger.LogWarning(ex, "Could not subscribe to the job channels; retrying");
                await Delay(Options.PollInterval, stoppingToken);
            }
        }
    }

    private async Task RunSlotAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            TrainingJob? job;
            try
            {
                job = await jobs.TryClaimAsync(WorkerId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not read the training job queue; retrying");
                await Delay(Options.PollInterval, stoppingToken);
                continue;
            }

            if (job is null)
            {
                await WaitForWorkAsync(stoppingToken);
                continue;
            }

            await RunJobAsync(job, stoppingToken);
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(Options.PollInterval);
        try
        {
            await _wake.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunReaperAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var requeued = await jobs.ReapExpiredAsync();
                if (requeued.Count > 0)
                {
                    _wake.Writer.TryWrite(true);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not look for expired training job leases");
            }

            await Delay(Options.ReaperInterval, stoppingToken);
        }
    }

    private async Task RunJobAsync(TrainingJob job, CancellationToken stoppingToken)
    {
        using var running = new RunningJob(job.Id, stoppingToken);
        _running[job.Id] = running;
        using var heartbeatStop = new CancellationTokenSource();
        var reporter = new ProgressReporter(jobs, job.Id, WorkerId, Options.ProgressInterval, time, logger);
        var heartbeat = HeartbeatAsync(running, heartbeatStop.Token);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["TrainingJobId"] = job.Id });
        var started = time.GetTimestamp();
        try
        {
            logger.LogInformation("Worker {Worker} runs training job {JobId} for module {Module} (attempt {Attempt})", WorkerId, job.Id, job.Module, job.Attempts);
            if (job.CancelRequested)
            {
                running.RequestCancel();
            }

            var spec = await jobs.GetSpecAsync(job.Id, running.Token)
                ?? throw new InvalidOperationException("The job has no spec.");
            var outcome = await runner.RunAsync(spec, reporter, running.Token);
            await reporter.FlushAsync();

            // Publish only while this worker still owns the job, so a requeued copy does not publish twice.
            var lease = await jobs.RenewLeaseAsync(job.Id, WorkerId);
            if (lease == LeaseState.Lost)
            {
                logger.LogWarning("Training job {JobId} was taken from worker {Worker} before it finished; dropping its result", job.Id, WorkerId);
                return;
            }

            if (lease == LeaseState.CancelRequested)
            {
                running.RequestCancel();
                running.Token.ThrowIfCancellationRequested();
            }

            var module = outcome.Module;
            module.Metadata["training_job"] = new System.Text.Json.Nodes.JsonObject
            {
                ["id"] = job.Id,
                ["optimizer"] = spec.Optimizer,
                ["metric"] = $"{spec.Metric}({spec.MetricKey})",
                ["dataset"] = spec.SampleDataset ?? "inline",
                ["baseline_score"] = outcome.BaselineScore,
                ["best_score"] = outcome.BestScore,
            };
            var document = ModuleSaver.SaveToString(module, files.Save);   // signed when ModuleSigning:Key is set
            var info = await modules.PublishAsync(spec.Module, document, CancellationToken.None);
            await publisher.PublishAsync(new ModuleChange(spec.Module, info.Version, [ModuleRef.LatestAlias]));
            var result = new TrainingJobResult(spec.Module, info.Version, outcome.BaselineScore, outcome.BestScore, outcome.Improvement, outcome.Comparison);
            if (!await jobs.CompleteAsync(job.Id, WorkerId, result))
            {
                logger.LogWarning("Training job {JobId} published {Module}@{Version} but was no longer owned by worker {Worker}", job.Id, spec.Module, info.Version, WorkerId);
            }
            else
            {
                logger.LogInformation("Training job {JobId} published {Module}@{Version}: {Baseline:0.###} -> {Best:0.###}", job.Id, spec.Module, info.Version, outcome.BaselineScore, outcome.BestScore);
                metrics.Succeeded(spec.Module, spec.Optimizer, outcome, time.GetElapsedTime(started));
            }
        }
        catch (OperationCanceledException) when (running.CancelRequested)
        {
            logger.LogInformation("Training job {JobId} cancelled", job.Id);
            await jobs.MarkCancelledAsync(job.Id, WorkerId);
            metrics.Ended(job.Module, job.Optimizer, "cancelled", time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Worker {Worker} stopping; training job {JobId} goes back to the queue", WorkerId, job.Id);
            await jobs.ReleaseAsync(job.Id, WorkerId);
            metrics.Ended(job.Module, job.Optimizer, "requeued", time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (running.LeaseLost)
        {
            logger.LogWarning("Worker {Worker} lost the lease of training job {JobId}; another worker runs it", WorkerId, job.Id);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Training job {JobId} failed", job.Id);
            await jobs.FailAsync(job.Id, WorkerId, Describe(ex));
            metrics.Ended(job.Module, job.Optimizer, "failed", time.GetElapsedTime(started));
        }
        finally
        {
            heartbeatStop.Cancel();
            await heartbeat;
            _running.TryRemove(job.Id, out _);
        }
    }

    private async Task HeartbeatAsync(RunningJob running, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await Delay(Options.LeaseRenewInterval, stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                switch (await jobs.RenewLeaseAsync(running.Id, WorkerId))
                {
                    case LeaseState.CancelRequested:
                        running.RequestCancel();
                        break;
                    case LeaseState.Lost:
                        running.LoseLease();
                        return;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not renew the lease of training job {JobId}", running.Id);
            }
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        // The provider's text names its account; it is in the log of this failure, not in the job callers read.
        LogiLlm.Providers.ProviderException provider => $"The model provider failed{(provider.StatusCode is { } status ? $" with status {status}" : "")}; the cause is in the trainer's log.",
        PersistenceException => $"The optimized module could not be saved: {ex.Message}",
        _ => ex.Message,
    };

    private async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The cancellation state of one job this worker runs.</summary>
    private sealed class RunningJob(string id, CancellationToken stoppingToken) : IDisposable
    {
        private readonly CancellationTokenSource _cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);

        public string Id { get; } = id;

        public CancellationToken Token => _cts.Token;

        public bool CancelRequested { get; private set; }

        public bool LeaseLost { get; private set; }

        public void RequestCancel()
        {
            CancelRequested = true;
            TryCancel();
        }

        public void LoseLease()
        {
            LeaseLost = true;
            TryCancel();
        }

        public void Dispose() => _cts.Dispose();

        private void TryCancel()
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Writes the latest progress to Redis, at most once per interval (optimizers may report very often).</summary>
    private sealed class ProgressReporter(TrainingJobStore jobs, string id, string workerId, TimeSpan interval, TimeProvider time, ILogger logger) : IProgress<TrainingProgress>
    {
        private readonly Lock _gate = new();
        private TrainingProgress? _pending;
        private Task _writer = Task.CompletedTask;
        private DateTimeOffset _lastWrite = DateTimeOffset.MinValue;

        public void Report(TrainingProgress value)
        {
            lock (_gate)
            {
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
                await jobs.ReportProgressAsync(id, workerId, value);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogDebug(ex, "Could not record progress of training job {JobId}", id);
            }
        }
    }
}
