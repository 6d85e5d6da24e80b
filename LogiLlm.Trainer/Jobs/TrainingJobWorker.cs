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
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private SlotState[] _slots = [];

    /// <summary>Identifies this worker in job records and logs.</summary>
    public string WorkerId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>Ids of the jobs this worker runs now.</summary>
    public IReadOnlyCollection<string> RunningJobIds => _running.Keys.ToArray();

    private TrainingJobOptions Options => options.Value;

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
                await Delay(RetryDelay(attempt), stoppingToken);
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
                    await Delay(RetryDelay(failures), stoppingToken);
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
            var state = await EndAsync("renew the lease of", () => leases.RenewLeaseAsync(lease), stoppingToken);
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

            var info = await PublishOnceAsync(lease, spec, outcome, running.Token, stoppingToken);
            if (info is null)
            {
                return;
            }

            publisher.Announce(new ModuleChange(spec.Module, info.Version, [ModuleRef.LatestAlias]));
            var result = new TrainingJobResult(spec.Module, info.Version, outcome.BaselineScore, outcome.BestScore, outcome.Improvement, outcome.Comparison);
            switch (await EndAsync("complete", () => leases.CompleteAsync(lease, result), stoppingToken))
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
            await EndAsync("cancel", () => leases.MarkCancelledAsync(lease), stoppingToken);
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
            await EndAsync("fail", () => leases.FailAsync(lease, Describe(ex)), stoppingToken);
            metrics.Ended(job.Module, job.Optimizer, TrainingJobStatus.Failed.Name(), time.GetElapsedTime(started));
        }
        finally
        {
            heartbeatStop.Cancel();
            await heartbeat;
            _running.TryRemove(job.Id, out _);
        }
    }

    /// <summary>
    /// Publishes the job's module unless an earlier run of the same job already did (its lease lapsed after the
    /// publish, or during it): then that version is reused, so a job id maps to at most one version. One run publishes
    /// at a time (<see cref="TrainingJobLeases.ClaimPublishAsync"/>): a run that finds an earlier run's publish still
    /// in flight waits for the version it records, for at most <see cref="TrainingJobOptions.PublishWaitTimeout"/>,
    /// then looks for it in the registry's lineage before taking over. Returns null when the lease was lost on the way.
    /// </summary>
    private async Task<ModuleVersionInfo?> PublishOnceAsync(JobLease lease, TrainingJobSpec spec, TrainingOutcome outcome, CancellationToken runToken, CancellationToken stoppingToken)
    {
        var job = lease.Job;
        long? replacing = null;
        while (true)
        {
            var claim = await EndAsync("claim the publish of", () => leases.ClaimPublishAsync(lease, replacing), stoppingToken);
            switch (claim?.Kind)
            {
                case null or PublishClaimKind.Lost:
                    logger.LogWarning("Training job {JobId} was taken from worker {Worker} before it could publish; dropping its result", job.Id, WorkerId);
                    return null;
                case PublishClaimKind.Published:
                    return await ReuseAsync(await FindPublishedVersionAsync(lease, spec.Module, claim.Value.Version, stoppingToken));
                case PublishClaimKind.InFlight:
                    logger.LogInformation("Training job {JobId}: an earlier run is still publishing {Module}; worker {Worker} waits for its version", job.Id, spec.Module, WorkerId);
                    if (await WaitForPublishedVersionAsync(lease.JobId, runToken) is { } version)
                    {
                        return await ReuseAsync(await FindPublishedVersionAsync(lease, spec.Module, version, stoppingToken));
                    }

                    // The earlier run never recorded a version (it died mid-publish, or after): its lineage may still
                    // name this job. Otherwise take the right to publish over from it.
                    if (await FindPublishedVersionAsync(lease, spec.Module, 0, stoppingToken) is { } found)
                    {
                        return await ReuseAsync(found);
                    }

                    replacing = claim.Value.HolderToken;
                    continue;
            }

            // Claimed. A run of an older trainer (or one that crashed between its publish and its record) may have
            // published without recording: the lineage is the source of truth.
            if (job.Attempts > 1 && await FindPublishedVersionAsync(lease, spec.Module, 0, stoppingToken) is { } earlier)
            {
                return await RecordAsync(earlier);
            }

            var module = outcome.Module;
            module.Metadata[TrainingJobMetadataKey] = new JsonObject
            {
                ["id"] = job.Id,
                ["optimizer"] = spec.Optimizer.Type,
                ["metric"] = $"{spec.Metric.ToWireName()}({spec.MetricKey})",
                ["dataset"] = spec.SampleDataset ?? "inline",
                ["baseline_score"] = outcome.BaselineScore,
                ["best_score"] = outcome.BestScore,
            };
            var document = ModuleSaver.SaveToString(module, files.Save);   // signed when ModuleSigning:Key is set
            return await RecordAsync(await modules.PublishAsync(spec.Module, document, CancellationToken.None));
        }

        Task<ModuleVersionInfo?> ReuseAsync(ModuleVersionInfo? info)
        {
            if (info is not null)
            {
                logger.LogInformation("Training job {JobId} already published {Module}@{Version} in an earlier run; reusing it", job.Id, spec.Module, info.Version);
            }

            return Task.FromResult(info);
        }

        // The version is recorded under the publish right, not the lease: a run whose lease lapsed meanwhile still
        // records what it wrote, so the job's next run reuses it. Whether this run may complete the job is decided
        // by the complete step, which the lease guards.
        async Task<ModuleVersionInfo?> RecordAsync(ModuleVersionInfo info)
        {
            if (await EndAsync("record the published version of", () => leases.RecordPublishedVersionAsync(lease, info.Version), stoppingToken) is not true)
            {
                logger.LogWarning("Training job {JobId} published {Module}@{Version} but another run took the publish over; it may be a second version of the job", job.Id, spec.Module, info.Version);
            }

            return info;
        }
    }

    /// <summary>Waits for the version an earlier run of the job records, polling at the lease renewal interval.</summary>
    private async Task<int?> WaitForPublishedVersionAsync(string jobId, CancellationToken runToken)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < Options.PublishWaitTimeout)
        {
            if (await EndAsync("read the published version of", async () => await leases.GetPublishedVersionAsync(jobId) ?? 0, runToken) is > 0 and var version)
            {
                return version;
            }

            await Task.Delay(Options.LeaseRenewInterval, time, runToken);
        }

        logger.LogWarning("Training job {JobId}: the earlier run recorded no version within {Timeout}; looking for it in the registry", jobId, Options.PublishWaitTimeout);
        return null;
    }

    /// <summary>Key of the training job's lineage in a published module's metadata.</summary>
    public const string TrainingJobMetadataKey = "training_job";

    /// <summary>
    /// The version <paramref name="recorded"/> (when known and listed), else the newest version created since the job
    /// was queued whose lineage names the job (a minute of slack for clock skew), else null.
    /// </summary>
    private async Task<ModuleVersionInfo?> FindPublishedVersionAsync(JobLease lease, string module, int recorded, CancellationToken stoppingToken)
    {
        var versions = await modules.ListVersionsAsync(module, stoppingToken);
        if (recorded > 0 && versions.FirstOrDefault(v => v.Version == recorded) is { } recordedInfo)
        {
            return recordedInfo;
        }

        foreach (var candidate in versions.Where(v => v.CreatedAt >= lease.Job.CreatedAt - TimeSpan.FromMinutes(1)).OrderByDescending(v => v.Version))
        {
            var stored = await modules.GetAsync(candidate.Ref, stoppingToken);
            if (stored is not null && JobIdOf(stored.Document) == lease.JobId)
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? JobIdOf(string document)
    {
        try
        {
            return JsonNode.Parse(document)?["metadata"]?[TrainingJobMetadataKey]?["id"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs one step of a job's end (renew, record, complete, fail, cancel) until Redis takes it, for at most
    /// <see cref="TrainingJobOptions.EndRetryWindow"/>. Returns the step's answer, or null when it never got through
    /// (then the lease lapses and the reaper requeues or fails the job; a re-run reuses a version already published).
    /// </summary>
    private async Task<T?> EndAsync<T>(string what, Func<Task<T>> step, CancellationToken stoppingToken)
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
                if (time.GetElapsedTime(started) >= Options.EndRetryWindow || stoppingToken.IsCancellationRequested)
                {
                    logger.LogError(ex, "Could not {Step} the training job after {Attempts} attempts; its lease will lapse and the job will be requeued", what, attempt);
                    return null;
                }

                logger.LogWarning(ex, "Could not {Step} the training job (attempt {Attempt}); retrying", what, attempt);
                await Delay(RetryDelay(attempt), stoppingToken);
            }
        }
    }

    private static TimeSpan RetryDelay(int attempt) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt, 10))));

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

    /// <summary>What the liveness check reads of one slot.</summary>
    private sealed class SlotState(long lastPoll)
    {
        public long LastPoll = lastPoll;

        public volatile bool Busy;

        public volatile bool Ended;
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
    private sealed class ProgressReporter(TrainingJobLeases leases, JobLease lease, TimeSpan interval, TimeProvider time, ILogger logger) : IProgress<TrainingProgress>
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
}
