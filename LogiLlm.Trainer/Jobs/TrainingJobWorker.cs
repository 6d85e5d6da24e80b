using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// with a fenced lease, renews the lease while the optimizer runs, publishes the optimized module to the registry once
/// per job, and requeues jobs whose worker died. Cancellation arrives over pub/sub and, as a fallback, with each lease
/// renewal. No Redis or registry failure ends a slot: every end of a job is retried for
/// <see cref="TrainingJobOptions.EndRetryWindow"/>, after which the lapsed lease hands the job to the reaper.
/// </summary>
/// <remarks>
/// Over 300 lines on purpose: the slot loop, a run's lifecycle (claim, heartbeat, outcome) and the reaper share the
/// worker's slots, running jobs and wake-up channel, and reading them together is how the lease rules are checked.
/// What stands alone lives beside it: <see cref="JobPublisher"/> (once-per-job publishing), <see cref="JobEndSteps"/>
/// (the retried end steps), <see cref="ProgressReporter"/> and <see cref="RunningJob"/>.
/// </remarks>
public sealed class TrainingJobWorker(
    TrainingJobStore jobs,
    TrainingJobLeases leases,
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
    private readonly JobEndSteps _end = new(options, time, logger);
    private SlotState[] _slots = [];

    /// <summary>Identifies this worker in job records and logs.</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Ids of the jobs this worker runs now.</summary>
    public IReadOnlyCollection<string> RunningJobIds => _running.Keys.ToArray();

    private TrainingJobOptions Options => options.Value;

    private JobPublisher Publisher => field ??= new(leases, modules, files, options, time, _end, logger, WorkerId);

    /// <summary>
    /// Slots that are neither running a job nor polled the queue within <paramref name="staleAfter"/>, and slots
    /// whose loop ended although the worker is not stopping (empty while the worker is alive).
    /// </summary>
    public IReadOnlyList<string> DescribeStalledSlots(TimeSpan staleAfter)
    {
        var stalled = new List<string>();
        for (var i = 0; i < _slots.Length; i++)
        {
            var slot = _slots[i];
            if (slot.Ended)
            {
                stalled.Add($"slot {i} stopped");
            }
            else if (!slot.Busy && time.GetElapsedTime(Volatile.Read(ref slot.LastPoll)) is var idle && idle > staleAfter)
            {
                stalled.Add($"slot {i} has not polled the queue for {idle.TotalSeconds:0} s");
            }
        }

        return stalled;
    }

    /// <summary>Whether the worker runs slots at all (false when <see cref="TrainingJobOptions.Concurrency"/> is 0 or before start).</summary>
    public bool HasSlots => _slots.Length > 0;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Options.Concurrency == 0)
        {
            logger.LogInformation("Training job worker disabled (TrainingJobs:Concurrency = 0)");
            return;
        }

        _slots = Enumerable.Range(0, Options.Concurrency).Select(_ => new SlotState(time.GetTimestamp())).ToArray();
        logger.LogInformation("Training job worker {Worker} started with {Concurrency} slot(s)", WorkerId, Options.Concurrency);
        var tasks = _slots.Select(slot => RunSlotAsync(slot, stoppingToken)).ToList();
        tasks.Add(SubscribeAsync(stoppingToken));
        tasks.Add(RunReaperAsync(stoppingToken));
        await Task.WhenAll(tasks);
    }

    private async Task SubscribeAsync(CancellationToken stoppingToken)
    {
        // The multiplexer resubscribes by itself after a reconnect; only the first subscription needs retries. Slots
        // poll meanwhile, so a missing subscription only delays them.
        var subscriber = redis.GetSubscriber();
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
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
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not subscribe to the job channels; retrying");
                await Delay(JobEndSteps.RetryDelay(attempt), stoppingToken);
            }
        }
    }

    private async Task RunSlotAsync(SlotState slot, CancellationToken stoppingToken)
    {
        try
        {
            var failures = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                Volatile.Write(ref slot.LastPoll, time.GetTimestamp());
                try
                {
                    var lease = await leases.TryClaimAsync(WorkerId, stoppingToken);
                    failures = 0;
                    if (lease is null)
                    {
                        await WaitForWorkAsync(stoppingToken);
                        continue;
                    }

                    slot.Busy = true;
                    try
                    {
                        await RunJobAsync(lease, stoppingToken);
                    }
                    finally
                    {
                        slot.Busy = false;
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // Redis down, or anything unforeseen: this slot goes on after a pause, it never dies.
                    failures++;
                    logger.LogWarning(ex, "Training job slot could not read the queue or finish a job; retrying");
                    await Delay(JobEndSteps.RetryDelay(failures), stoppingToken);
                }
            }
        }
        finally
        {
            slot.Ended = !stoppingToken.IsCancellationRequested;
        }
    }

    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        // Woken by pub/sub when work is queued; the long fallback poll covers a missed notification.
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
                var requeued = await leases.ReapExpiredAsync();
                if (requeued.Count > 0)
                {
                    _wake.Writer.TryWrite(true);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not look for expired training job leases");
            }

            await Delay(Options.ReaperInterval, stoppingToken);
        }
    }

    private async Task RunJobAsync(JobLease lease, CancellationToken stoppingToken)
    {
        var job = lease.Job;
        using var running = new RunningJob(job.Id, stoppingToken);
        _running[job.Id] = running;
        using var heartbeatStop = new CancellationTokenSource();
        var reporter = new ProgressReporter(leases, lease, Options.ProgressInterval, time, logger);
        var heartbeat = HeartbeatAsync(lease, running, heartbeatStop.Token);
        // The job's trace: started here (not by a request), with a "trial" event per step; the heartbeat stays out of it.
        using var span = TrainerTelemetry.StartJob(job);
        reporter.Span = span;
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

            // Fencing: write to the registry only while this lease still holds the job, so a requeued copy does not
            // publish too. A renewed lease leaves LeaseDuration for the publish before another claim can happen.
            var state = await _end.RunAsync("renew the lease of", () => leases.RenewLeaseAsync(lease), stoppingToken);
            if (state is null or LeaseState.Lost)
            {
                logger.LogWarning("Training job {JobId} was taken from worker {Worker} before it finished (or its lease could not be renewed); dropping its result", job.Id, WorkerId);
                return;
            }

            if (state == LeaseState.CancelRequested)
            {
                running.RequestCancel();
                running.Token.ThrowIfCancellationRequested();
            }

            var info = await Publisher.PublishOnceAsync(lease, spec, outcome, running.Token, stoppingToken);
            if (info is null)
            {
                return;
            }

            publisher.Announce(new ModuleChange(spec.Module, info.Version, [ModuleRef.LatestAlias]));
            var result = new TrainingJobResult(spec.Module, info.Version, outcome.BaselineScore, outcome.BestScore, outcome.Improvement, outcome.Comparison);
            switch (await _end.RunAsync("complete", () => leases.CompleteAsync(lease, result), stoppingToken))
            {
                case true:
                    logger.LogInformation("Training job {JobId} published {Module}@{Version}: {Baseline:0.###} -> {Best:0.###}", job.Id, spec.Module, info.Version, outcome.BaselineScore, outcome.BestScore);
                    metrics.Succeeded(spec.Module, spec.Optimizer.Type, outcome, time.GetElapsedTime(started));
                    break;
                case false:
                    logger.LogWarning("Training job {JobId} published {Module}@{Version} but was no longer owned by worker {Worker}; its next run reuses that version", job.Id, spec.Module, info.Version, WorkerId);
                    break;
            }
        }
        catch (OperationCanceledException) when (running.CancelRequested)
        {
            logger.LogInformation("Training job {JobId} cancelled", job.Id);
            await _end.RunAsync("cancel", () => leases.MarkCancelledAsync(lease), stoppingToken);
            metrics.Ended(job.Module, job.Optimizer, TrainingJobStatus.Cancelled.Name(), time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogInformation("Worker {Worker} stopping; training job {JobId} goes back to the queue", WorkerId, job.Id);
            // Stopping: one bounded try; if Redis cannot take it, the lease lapses and the reaper requeues the job.
            try
            {
                await leases.ReleaseAsync(lease).WaitAsync(Options.LeaseRenewInterval, CancellationToken.None);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Could not give training job {JobId} back to the queue; it is requeued when its lease expires", job.Id);
            }

            metrics.Ended(job.Module, job.Optimizer, "requeued", time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (running.LeaseLost)
        {
            logger.LogWarning("Worker {Worker} lost the lease of training job {JobId}; another worker runs it", WorkerId, job.Id);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Training job {JobId} failed", job.Id);
            await _end.RunAsync("fail", () => leases.FailAsync(lease, Describe(ex)), stoppingToken);
            metrics.Ended(job.Module, job.Optimizer, TrainingJobStatus.Failed.Name(), time.GetElapsedTime(started));
        }
        finally
        {
            heartbeatStop.Cancel();
            await heartbeat;
            _running.TryRemove(job.Id, out _);
        }
    }

    /// <summary>Key of the training job's lineage in a published module's metadata.</summary>
    public const string TrainingJobMetadataKey = "training_job";

    private async Task HeartbeatAsync(JobLease lease, RunningJob running, CancellationToken stop)
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
                switch (await leases.RenewLeaseAsync(lease))
                {
                    case LeaseState.CancelRequested:
                        running.RequestCancel();
                        break;
                    case LeaseState.Lost:
                        running.LoseLease();
                        return;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
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

    private Task Delay(TimeSpan delay, CancellationToken cancellationToken) => JobEndSteps.DelayAsync(delay, time, cancellationToken);

    /// <summary>What the liveness check reads of one slot.</summary>
    private sealed class SlotState(long lastPoll)
    {
        public long LastPoll = lastPoll;

        public volatile bool Busy;

        public volatile bool Ended;
    }
}
