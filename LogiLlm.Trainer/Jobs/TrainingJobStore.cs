using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// The job queue and job state in Redis, shared by every trainer replica. Only commands that Redis and Garnet
/// both have: a hash per job, a list as the queue, a sorted set of leases, WATCH/MULTI/EXEC, pub/sub.
/// </summary>
/// <remarks>
/// Claiming is one transaction (pop from the queue, take a lease, mark running) guarded by a WATCH on the queue
/// head, so a job is never owned by two workers and never lost between the pop and the lease. A worker renews its
/// lease while it runs; a job whose lease expired (its worker died) is put back at the head of the queue by
/// whichever replica's reaper sees it first.
/// </remarks>
public sealed class TrainingJobStore(IConnectionMultiplexer redis, IOptions<TrainingJobOptions> options, TimeProvider time, ILogger<TrainingJobStore> logger)
{
    private const int MaxOptimisticRetries = 50;

    private static class F
    {
        public const string Id = "id", Status = "status", Module = "module", Optimizer = "optimizer", Spec = "spec",
            CreatedAt = "createdAt", StartedAt = "startedAt", FinishedAt = "finishedAt", Worker = "worker",
            Attempts = "attempts", Revision = "revision", Done = "done", Total = "total", BestScore = "bestScore",
            Phase = "phase", Result = "result", Error = "error", CancelRequested = "cancelRequested", LeaseUntil = "leaseUntil",
            LeaseToken = "leaseToken", PublishedVersion = "publishedVersion", PublishToken = "publishToken";
    }

    private TrainingJobOptions Options => options.Value;

    private IDatabase Db => redis.GetDatabase();

    private RedisKey QueueKey => $"{Options.KeyPrefix}:queue";

    private RedisKey LeasesKey => $"{Options.KeyPrefix}:leases";

    private RedisKey JobKey(string id) => $"{Options.KeyPrefix}:job:{id}";

    /// <summary>Channel on which workers are told that the queue has work.</summary>
    public RedisChannel WakeChannel => RedisChannel.Literal($"{Options.KeyPrefix}:wake");

    /// <summary>Channel carrying the ids of running jobs whose cancellation was asked for.</summary>
    public RedisChannel CancelChannel => RedisChannel.Literal($"{Options.KeyPrefix}:cancel");

    /// <summary>Channel announcing every change of one job (the message is its revision).</summary>
    public RedisChannel EventsChannel(string id) => RedisChannel.Literal($"{Options.KeyPrefix}:events:{id}");

    /// <summary>True for text shaped like a job id (32 lower-case hex digits).</summary>
    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Stores a new job and queues it.</summary>
    public async Task<TrainingJob> CreateAsync(TrainingJobSpec spec, CancellationToken cancellationToken = default)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var now = Now();
        var tran = Db.CreateTransaction();
        _ = tran.HashSetAsync(JobKey(id),
        [
            new(F.Id, id), new(F.Status, TrainingJobStatus.Queued.Name()), new(F.Module, spec.Module), new(F.Optimizer, spec.Optimizer.Type),
            new(F.Spec, JsonSerializer.Serialize(spec, TrainingJobsJsonContext.Default.TrainingJobSpec)),
            new(F.CreatedAt, Format(now)), new(F.Attempts, 0), new(F.Revision, 1), new(F.Done, 0), new(F.Total, 0),
        ]);
        _ = tran.ListLeftPushAsync(QueueKey, id);
        if (!await tran.ExecuteAsync().WaitAsync(cancellationToken))
        {
            throw new InvalidOperationException("The job could not be queued.");
        }

        await AnnounceAsync(id);
        await Db.PublishAsync(WakeChannel, id);
        return (await GetAsync(id, cancellationToken))!;
    }

    /// <summary>Reads a job, or null when unknown (or expired).</summary>
    public async Task<TrainingJob?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(id))
        {
            return null;
        }

        var entries = await Db.HashGetAllAsync(JobKey(id)).WaitAsync(cancellationToken);
        return entries.Length == 0 ? null : ToJob(entries.ToDictionary(e => e.Name.ToString(), e => e.Value));
    }

    /// <summary>Reads the spec a job was queued with.</summary>
    public async Task<TrainingJobSpec?> GetSpecAsync(string id, CancellationToken cancellationToken = default)
    {
        var json = await Db.HashGetAsync(JobKey(id), F.Spec).WaitAsync(cancellationToken);
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize(json.ToString(), TrainingJobsJsonContext.Default.TrainingJobSpec);
    }

    /// <summary>Ids waiting in the queue, next first.</summary>
    public async Task<IReadOnlyList<string>> QueuedIdsAsync()
    {
        var values = await Db.ListRangeAsync(QueueKey);
        return values.Reverse().Select(v => v.ToString()).ToArray();
    }

    /// <summary>
    /// Takes the next queued job for <paramref name="workerId"/> with a lease of <see cref="TrainingJobOptions.LeaseDuration"/>,
    /// or returns null when the queue is empty. The lease carries a fencing token that guards every later write.
    /// </summary>
    public async Task<JobLease?> TryClaimAsync(string workerId, CancellationToken cancellationToken = default)
    {
        var db = Db;
        for (var attempt = 0; attempt < MaxOptimisticRetries; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var head = await db.ListGetByIndexAsync(QueueKey, -1);
            if (head.IsNull)
            {
                return null;
            }

            var id = head.ToString();
            var status = await db.HashGetAsync(JobKey(id), F.Status);
            var tran = db.CreateTransaction();
            tran.AddCondition(Condition.ListIndexEqual(QueueKey, -1, id));
            _ = tran.ListRightPopAsync(QueueKey);
            if (status != TrainingJobStatus.Queued.Name())
            {
                // Cancelled, finished or expired meanwhile: drop the stale entry.
                tran.AddCondition(status.IsNull ? Condition.KeyNotExists(JobKey(id)) : Condition.HashEqual(JobKey(id), F.Status, status));
                await tran.ExecuteAsync();
                continue;
            }

            var now = Now();
            var leaseUntil = (now + Options.LeaseDuration).ToUnixTimeMilliseconds();
            tran.AddCondition(Condition.HashEqual(JobKey(id), F.Status, TrainingJobStatus.Queued.Name()));
            _ = tran.SortedSetAddAsync(LeasesKey, id, leaseUntil);
            _ = tran.HashSetAsync(JobKey(id), [new(F.Status, TrainingJobStatus.Running.Name()), new(F.Worker, workerId), new(F.StartedAt, Format(now)), new(F.LeaseUntil, leaseUntil)]);
            _ = tran.HashIncrementAsync(JobKey(id), F.Attempts);
            _ = tran.HashIncrementAsync(JobKey(id), F.Revision);
            var token = tran.HashIncrementAsync(JobKey(id), F.LeaseToken);
            if (await tran.ExecuteAsync())
            {
                await AnnounceAsync(id);
                return await GetAsync(id, cancellationToken) is { } job ? new JobLease(job, workerId, await token) : null;
            }
        }

        logger.LogDebug("Worker {Worker} gave up claiming after {Retries} conflicts", workerId, MaxOptimisticRetries);
        return null;
    }

    /// <summary>Extends the lease of a running job; tells whether the worker still owns it and whether a cancel was asked for.</summary>
    public async Task<LeaseState> RenewLeaseAsync(JobLease lease)
    {
        var id = lease.JobId;
        Task<RedisValue>? cancel = null;
        var owned = await ExecuteAsOwnerAsync(lease, tran =>
        {
            var leaseUntil = (Now() + Options.LeaseDuration).ToUnixTimeMilliseconds();
            _ = tran.SortedSetAddAsync(LeasesKey, id, leaseUntil);
            _ = tran.HashSetAsync(JobKey(id), F.LeaseUntil, leaseUntil);
            cancel = tran.HashGetAsync(JobKey(id), F.CancelRequested);
        });
        if (!owned)
        {
            return LeaseState.Lost;
        }

        return (await cancel!).IsNullOrEmpty ? LeaseState.Owned : LeaseState.CancelRequested;
    }

    /// <summary>Records progress of a job this worker owns.</summary>
    public async Task ReportProgressAsync(JobLease lease, TrainingProgress progress)
    {
        var id = lease.JobId;
        var fields = new List<HashEntry> { new(F.Done, progress.Done), new(F.Total, progress.Total) };
        if (progress.BestScore is { } best)
        {
            fields.Add(new(F.BestScore, best.ToString("R", CultureInfo.InvariantCulture)));
        }

        if (progress.Phase is { } phase)
        {
            fields.Add(new(F.Phase, phase));
        }

        if (await ExecuteAsOwnerAsync(lease, tran =>
        {
            _ = tran.HashSetAsync(JobKey(id), [.. fields]);
            _ = tran.HashIncrementAsync(JobKey(id), F.Revision);
        }))
        {
            await AnnounceAsync(id);
        }
    }

    /// <summary>
    /// Takes the right to publish the job's module for this run, while the lease holds the job: one run of a job
    /// publishes at a time, so a run whose lease lapsed while its publish was still in flight is waited for instead of
    /// raced. <paramref name="replacing"/> takes the right over from an earlier run that never recorded a version.
    /// </summary>
    public async Task<PublishClaim> ClaimPublishAsync(JobLease lease, long? replacing = null)
    {
        var db = Db;
        var key = JobKey(lease.JobId);
        for (var attempt = 0; attempt < MaxOptimisticRetries; attempt++)
        {
            var fields = await db.HashGetAsync(key, [F.PublishedVersion, F.PublishToken, F.Worker, F.LeaseToken, F.Status]);
            if (!fields[0].IsNullOrEmpty)
            {
                return PublishClaim.Published((int)fields[0]);
            }

            if (fields[2] != lease.WorkerId || fields[3] != lease.Token || fields[4] != TrainingJobStatus.Running.Name())
            {
                return PublishClaim.Lost;
            }

            if (!fields[1].IsNullOrEmpty && (long)fields[1] != lease.Token && (long)fields[1] != replacing)
            {
                return PublishClaim.InFlight((long)fields[1]);
            }

            var tran = db.CreateTransaction();
            tran.AddCondition(Condition.HashEqual(key, F.Worker, lease.WorkerId));
            tran.AddCondition(Condition.HashEqual(key, F.LeaseToken, lease.Token));
            tran.AddCondition(Condition.HashEqual(key, F.Status, TrainingJobStatus.Running.Name()));
            tran.AddCondition(Condition.HashNotExists(key, F.PublishedVersion));
            tran.AddCondition(fields[1].IsNullOrEmpty ? Condition.HashNotExists(key, F.PublishToken) : Condition.HashEqual(key, F.PublishToken, fields[1]));
            _ = tran.HashSetAsync(key, F.PublishToken, lease.Token);
            if (await tran.ExecuteAsync())
            {
                return PublishClaim.Claimed;
            }
        }

        throw new InvalidOperationException($"Job {lease.JobId} changed too often to be updated.");
    }

    /// <summary>
    /// Records the registry version a run published, under the publish right it claimed (<see cref="ClaimPublishAsync"/>)
    /// rather than its lease: a run whose lease lapsed during the publish still records what it wrote, and the job's
    /// next run reuses that version instead of publishing a second one.
    /// </summary>
    /// <returns>False when this run did not hold the right to publish (or another version was recorded).</returns>
    public async Task<bool> RecordPublishedVersionAsync(JobLease lease, int version)
    {
        var key = JobKey(lease.JobId);
        var tran = Db.CreateTransaction();
        tran.AddCondition(Condition.HashEqual(key, F.PublishToken, lease.Token));
        tran.AddCondition(Condition.HashNotExists(key, F.PublishedVersion));
        _ = tran.HashSetAsync(key, F.PublishedVersion, version);
        return await tran.ExecuteAsync();
    }

    /// <summary>The registry version a job recorded as published, or null.</summary>
    public async Task<int?> GetPublishedVersionAsync(string id)
    {
        var value = await Db.HashGetAsync(JobKey(id), F.PublishedVersion);
        return value.IsNullOrEmpty ? null : (int)value;
    }

    /// <summary>Marks a job this worker owns as succeeded.</summary>
    public Task<bool> CompleteAsync(JobLease lease, TrainingJobResult result) =>
        FinishAsync(lease, TrainingJobStatus.Succeeded,
        [
            new(F.Result, JsonSerializer.Serialize(result, TrainingJobsJsonContext.Default.TrainingJobResult)),
            new(F.BestScore, result.BestScore.ToString("R", CultureInfo.InvariantCulture)),
            new(F.Phase, "done"),
        ]);

    /// <summary>Marks a job this worker owns as failed.</summary>
    public Task<bool> FailAsync(JobLease lease, string error) =>
        FinishAsync(lease, TrainingJobStatus.Failed, [new(F.Error, error)]);

    /// <summary>Marks a job this worker owns as cancelled.</summary>
    public Task<bool> MarkCancelledAsync(JobLease lease) =>
        FinishAsync(lease, TrainingJobStatus.Cancelled, []);

    /// <summary>Gives a job back to the queue (the worker is shutting down); the next worker starts it afresh.</summary>
    public async Task<bool> ReleaseAsync(JobLease lease)
    {
        var id = lease.JobId;
        if (!await ExecuteAsOwnerAsync(lease, tran =>
        {
            _ = tran.SortedSetRemoveAsync(LeasesKey, id);
            _ = tran.ListRightPushAsync(QueueKey, id);
            _ = tran.HashSetAsync(JobKey(id), [new(F.Status, TrainingJobStatus.Queued.Name()), new(F.Phase, "requeued")]);
            _ = tran.HashIncrementAsync(JobKey(id), F.Revision);
        }))
        {
            return false;
        }

        await AnnounceAsync(id);
        await Db.PublishAsync(WakeChannel, id);
        return true;
    }

    /// <summary>
    /// Cancels a job: a queued one at once; a running one by flagging it and telling its worker over pub/sub.
    /// Returns null when the job is unknown, else the job now and the status the cancel found.
    /// </summary>
    public async Task<(TrainingJob Job, TrainingJobStatus StatusBefore)?> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(id))
        {
            return null;
        }

        var db = Db;
        for (var attempt = 0; attempt < MaxOptimisticRetries; attempt++)
        {
            var status = await db.HashGetAsync(JobKey(id), F.Status).WaitAsync(cancellationToken);
            if (status.IsNull)
            {
                return null;
            }

            var tran = db.CreateTransaction();
            tran.AddCondition(Condition.HashEqual(JobKey(id), F.Status, status));
            if (status == TrainingJobStatus.Queued.Name())
            {
                _ = tran.ListRemoveAsync(QueueKey, id);
                _ = tran.HashSetAsync(JobKey(id), [new(F.Status, TrainingJobStatus.Cancelled.Name()), new(F.CancelRequested, 1), new(F.FinishedAt, Format(Now()))]);
                _ = tran.HashIncrementAsync(JobKey(id), F.Revision);
                _ = tran.KeyExpireAsync(JobKey(id), Options.Retention);
            }
            else if (status == TrainingJobStatus.Running.Name())
            {
                _ = tran.HashSetAsync(JobKey(id), F.CancelRequested, 1);
                _ = tran.HashIncrementAsync(JobKey(id), F.Revision);
            }
            else
            {
                return await GetAsync(id, cancellationToken) is { } finished ? (finished, finished.Status) : null;
            }

            if (await tran.ExecuteAsync())
            {
                if (status == TrainingJobStatus.Running.Name())
                {
                    await db.PublishAsync(CancelChannel, id);
                }

                await AnnounceAsync(id);
                return await GetAsync(id, cancellationToken) is { } job ? (job, ParseStatus(status)) : null;
            }
        }

        throw new InvalidOperationException($"Job {id} changed too often to be cancelled.");
    }

    /// <summary>
    /// Requeues the running jobs whose lease expired (their worker died or hung); a job that already used
    /// <see cref="TrainingJobOptions.MaxAttempts"/> is failed instead, and one whose cancel was asked for is cancelled.
    /// </summary>
    /// <returns>The ids that were requeued.</returns>
    public async Task<IReadOnlyList<string>> ReapExpiredAsync()
    {
        var db = Db;
        var now = Now();
        var expired = await db.SortedSetRangeByScoreWithScoresAsync(LeasesKey, double.NegativeInfinity, now.ToUnixTimeMilliseconds());
        var requeued = new List<string>();
        foreach (var lease in expired)
        {
            var id = lease.Element.ToString();
            var fields = await db.HashGetAsync(JobKey(id), [F.Status, F.Attempts, F.CancelRequested, F.Worker, F.LeaseUntil]);
            var tran = db.CreateTransaction();
            _ = tran.SortedSetRemoveAsync(LeasesKey, id);
            if (fields[0] != TrainingJobStatus.Running.Name())
            {
                // A leftover entry (the job finished or is gone); the guard keeps a job that was re-claimed meanwhile.
                tran.AddCondition(fields[0].IsNull ? Condition.KeyNotExists(JobKey(id)) : Condition.HashEqual(JobKey(id), F.Status, fields[0]));
                await tran.ExecuteAsync();
                continue;
            }

            if ((long)fields[4] > now.ToUnixTimeMilliseconds())
            {
                continue; // renewed since the range was read
            }

            // Guarded by the job hash alone (the lease set is written by every worker, a WATCH on it would rarely hold).
            tran.AddCondition(Condition.HashEqual(JobKey(id), F.Status, TrainingJobStatus.Running.Name()));
            tran.AddCondition(Condition.HashEqual(JobKey(id), F.LeaseUntil, fields[4]));
            var attempts = (int)fields[1];
            TrainingJobStatus outcome;
            if (!fields[2].IsNullOrEmpty)
            {
                outcome = TrainingJobStatus.Cancelled;
                _ = tran.HashSetAsync(JobKey(id), [new(F.Status, outcome.Name()), new(F.FinishedAt, Format(now))]);
                _ = tran.KeyExpireAsync(JobKey(id), Options.Retention);
            }
            else if (attempts >= Options.MaxAttempts)
            {
                outcome = TrainingJobStatus.Failed;
                _ = tran.HashSetAsync(JobKey(id),
                [
                    new(F.Status, outcome.Name()), new(F.FinishedAt, Format(now)),
                    new(F.Error, $"The worker running the job stopped renewing its lease {attempts} times; giving up."),
                ]);
                _ = tran.KeyExpireAsync(JobKey(id), Options.Retention);
            }
            else
            {
                outcome = TrainingJobStatus.Queued;
                _ = tran.ListRightPushAsync(QueueKey, id);
                _ = tran.HashSetAsync(JobKey(id), [new(F.Status, outcome.Name()), new(F.Phase, "requeued")]);
            }

            _ = tran.HashIncrementAsync(JobKey(id), F.Revision);
            if (await tran.ExecuteAsync())
            {
                logger.LogWarning("Lease of training job {JobId} held by {Worker} expired; job is now {Status}", id, fields[3].ToString(), outcome.Name());
                await AnnounceAsync(id);
                if (outcome == TrainingJobStatus.Queued)
                {
                    requeued.Add(id);
                }
            }
        }

        if (requeued.Count > 0)
        {
            await db.PublishAsync(WakeChannel, requeued[0]);
        }

        return requeued;
    }

    /// <summary>Test and recovery hook: gives a running job's lease an expiry time.</summary>
    internal async Task SetLeaseExpiryAsync(string id, DateTimeOffset expiry)
    {
        await Db.SortedSetAddAsync(LeasesKey, id, expiry.ToUnixTimeMilliseconds(), SortedSetWhen.Exists);
        await Db.HashSetAsync(JobKey(id), F.LeaseUntil, expiry.ToUnixTimeMilliseconds());
    }

    private async Task<bool> FinishAsync(JobLease lease, TrainingJobStatus status, HashEntry[] extra)
    {
        var id = lease.JobId;
        if (!await ExecuteAsOwnerAsync(lease, tran =>
        {
            _ = tran.HashSetAsync(JobKey(id), [new(F.Status, status.Name()), new(F.FinishedAt, Format(Now())), .. extra]);
            _ = tran.HashIncrementAsync(JobKey(id), F.Revision);
            _ = tran.SortedSetRemoveAsync(LeasesKey, id);
            _ = tran.KeyExpireAsync(JobKey(id), Options.Retention);
        }))
        {
            return false;
        }

        await AnnounceAsync(id);
        return true;
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction guarded by "this lease still holds the running job" (worker and
    /// fencing token). A WATCH can also fail because something else touched the job hash meanwhile (progress, a cancel
    /// request); then the ownership is checked again and the write retried, so only a real loss of the job returns false.
    /// </summary>
    private async Task<bool> ExecuteAsOwnerAsync(JobLease lease, Action<ITransaction> write)
    {
        var db = Db;
        var id = lease.JobId;
        for (var attempt = 0; attempt < MaxOptimisticRetries; attempt++)
        {
            var tran = db.CreateTransaction();
            tran.AddCondition(Condition.HashEqual(JobKey(id), F.Worker, lease.WorkerId));
            tran.AddCondition(Condition.HashEqual(JobKey(id), F.LeaseToken, lease.Token));
            tran.AddCondition(Condition.HashEqual(JobKey(id), F.Status, TrainingJobStatus.Running.Name()));
            write(tran);
            if (await tran.ExecuteAsync())
            {
                return true;
            }

            var current = await db.HashGetAsync(JobKey(id), [F.Worker, F.Status, F.LeaseToken]);
            if (current[0] != lease.WorkerId || current[1] != TrainingJobStatus.Running.Name() || current[2] != lease.Token)
            {
                return false;
            }
        }

        throw new InvalidOperationException($"Job {id} changed too often to be updated.");
    }

    private async Task AnnounceAsync(string id)
    {
        try
        {
            await Db.PublishAsync(EventsChannel(id), "changed");
        }
        catch (RedisException ex)
        {
            // Followers also poll, so a lost announcement only delays them.
            logger.LogDebug(ex, "Could not announce the change of job {JobId}", id);
        }
    }

    private DateTimeOffset Now() => time.GetUtcNow();

    private static string Format(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A job hash without a status is being created (it is written in one transaction); any other name is corrupt.</summary>
    private static TrainingJobStatus ParseStatus(RedisValue value) =>
        value.IsNullOrEmpty ? TrainingJobStatus.Queued
        : TrainingJobStatusNames.TryParse(value.ToString(), out var status) ? status
        : throw new InvalidOperationException($"A training job in Redis has the unknown status '{value}'.");

    private static TrainingJob ToJob(Dictionary<string, RedisValue> h)
    {
        string? S(string f) => h.TryGetValue(f, out var v) && !v.IsNullOrEmpty ? v.ToString() : null;
        int I(string f) => S(f) is { } s && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;
        double? D(string f) => S(f) is { } s && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
        DateTimeOffset? T(string f) => S(f) is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var t) ? t : null;

        var result = S(F.Result) is { } json ? JsonSerializer.Deserialize(json, TrainingJobsJsonContext.Default.TrainingJobResult) : null;
        return new TrainingJob(
            S(F.Id) ?? string.Empty,
            ParseStatus(h.GetValueOrDefault(F.Status)),
            S(F.Module) ?? string.Empty,
            S(F.Optimizer) ?? string.Empty,
            new TrainingProgress(I(F.Done), I(F.Total), D(F.BestScore), S(F.Phase)),
            result,
            S(F.Error),
            I(F.Attempts),
            S(F.Worker),
            S(F.CancelRequested) is not null,
            T(F.CreatedAt) ?? DateTimeOffset.MinValue,
            T(F.StartedAt),
            T(F.FinishedAt),
            S(F.Revision) is { } r && long.TryParse(r, CultureInfo.InvariantCulture, out var rev) ? rev : 0);
    }
}
