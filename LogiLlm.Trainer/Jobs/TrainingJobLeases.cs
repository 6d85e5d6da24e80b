using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using F = LogiLlm.Trainer.Jobs.TrainingJobRedis.Fields;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// The job queue and its leases: a worker claims the next job, renews its lease while it runs, and writes progress,
/// its publish and the job's end under that lease; a job whose lease expired (its worker died) is requeued by
/// whichever replica's reaper sees it first.
/// </summary>
/// <remarks>
/// Claiming is one transaction (pop from the queue, take a lease, mark running) guarded by a WATCH on the queue
/// head, so a job is never owned by two workers and never lost between the pop and the lease. Every later write is
/// fenced by the lease's token (<see cref="JobLease"/>), so a worker whose lease lapsed can no longer write.
/// <para>
/// Longer than most files on purpose: it is one job, the writes a running job's lease guards, and each of them is
/// an optimistic transaction whose conditions only make sense beside the others' (claim, renew, publish, end,
/// release and the reaper race on the same hash fields); the job records themselves are in <see cref="TrainingJobStore"/>.
/// </para>
/// </remarks>
public sealed class TrainingJobLeases(TrainingJobRedis layout, TrainingJobStore store, ILogger<TrainingJobLeases> logger)
{
    /// <summary>
    /// Takes the next queued job for <paramref name="workerId"/> with a lease of <see cref="TrainingJoblayout.Options.LeaseDuration"/>,
    /// or returns null when the queue is empty. The lease carries a fencing token that guards every later write.
    /// </summary>
    public async Task<JobLease?> TryClaimAsync(string workerId, CancellationToken cancellationToken = default)
    {
        var db = layout.Db;
        for (var attempt = 0; attempt < TrainingJobRedis.MaxOptimisticRetries; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var head = await db.ListGetByIndexAsync(layout.QueueKey, -1);
            if (head.IsNull)
            {
                return null;
            }

            var id = head.ToString();
            var status = await db.HashGetAsync(layout.JobKey(id), F.Status);
            var tran = db.CreateTransaction();
            tran.AddCondition(Condition.ListIndexEqual(layout.QueueKey, -1, id));
            _ = tran.ListRightPopAsync(layout.QueueKey);
            if (status != TrainingJobStatus.Queued.Name())
            {
                // Cancelled, finished or expired meanwhile: drop the stale entry.
                tran.AddCondition(status.IsNull ? Condition.KeyNotExists(layout.JobKey(id)) : Condition.HashEqual(layout.JobKey(id), F.Status, status));
                await tran.ExecuteAsync();
                continue;
            }

            var now = layout.Now();
            var leaseUntil = (now + layout.Options.LeaseDuration).ToUnixTimeMilliseconds();
            tran.AddCondition(Condition.HashEqual(layout.JobKey(id), F.Status, TrainingJobStatus.Queued.Name()));
            _ = tran.SortedSetAddAsync(layout.LeasesKey, id, leaseUntil);
            _ = tran.HashSetAsync(layout.JobKey(id), [new(F.Status, TrainingJobStatus.Running.Name()), new(F.Worker, workerId), new(F.StartedAt, TrainingJobRedis.Format(now)), new(F.LeaseUntil, leaseUntil)]);
            _ = tran.HashIncrementAsync(layout.JobKey(id), F.Attempts);
            _ = tran.HashIncrementAsync(layout.JobKey(id), F.Revision);
            var token = tran.HashIncrementAsync(layout.JobKey(id), F.LeaseToken);
            if (await tran.ExecuteAsync())
            {
                await layout.AnnounceAsync(id);
                return await store.GetAsync(id, cancellationToken) is { } job ? new JobLease(job, workerId, await token) : null;
            }
        }

        logger.LogDebug("Worker {Worker} gave up claiming after {Retries} conflicts", workerId, TrainingJobRedis.MaxOptimisticRetries);
        return null;
    }

    /// <summary>Extends the lease of a running job; tells whether the worker still owns it and whether a cancel was asked for.</summary>
    public async Task<LeaseState> RenewLeaseAsync(JobLease lease)
    {
        var id = lease.JobId;
        Task<RedisValue>? cancel = null;
        var owned = await ExecuteAsOwnerAsync(lease, tran =>
        {
            var leaseUntil = (layout.Now() + layout.Options.LeaseDuration).ToUnixTimeMilliseconds();
            _ = tran.SortedSetAddAsync(layout.LeasesKey, id, leaseUntil);
            _ = tran.HashSetAsync(layout.JobKey(id), F.LeaseUntil, leaseUntil);
            cancel = tran.HashGetAsync(layout.JobKey(id), F.CancelRequested);
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
            _ = tran.HashSetAsync(layout.JobKey(id), [.. fields]);
            _ = tran.HashIncrementAsync(layout.JobKey(id), F.Revision);
        }))
        {
            await layout.AnnounceAsync(id);
        }
    }

    /// <summary>
    /// Takes the right to publish the job's module for this run, while the lease holds the job: one run of a job
    /// publishes at a time, so a run whose lease lapsed while its publish was still in flight is waited for instead of
    /// raced. <paramref name="replacing"/> takes the right over from an earlier run that never recorded a version;
    /// <paramref name="replacingVersion"/> from one that recorded a version the registry no longer lists (the recorded
    /// version is cleared, so this run records its own).
    /// </summary>
    public async Task<PublishClaim> ClaimPublishAsync(JobLease lease, long? replacing = null, int? replacingVersion = null)
    {
        var db = layout.Db;
        var key = layout.JobKey(lease.JobId);
        for (var attempt = 0; attempt < TrainingJobRedis.MaxOptimisticRetries; attempt++)
        {
            var fields = await db.HashGetAsync(key, [F.PublishedVersion, F.PublishToken, F.Worker, F.LeaseToken, F.Status]);
            var recorded = fields[0].IsNullOrEmpty ? (int?)null : (int)fields[0];
            if (recorded is { } version && version != replacingVersion)
            {
                return PublishClaim.Published(version);
            }

            if (fields[2] != lease.WorkerId || fields[3] != lease.Token || fields[4] != TrainingJobStatus.Running.Name())
            {
                return PublishClaim.Lost;
            }

            // A run that recorded its version has finished publishing, whatever its token.
            if (recorded is null && !fields[1].IsNullOrEmpty && (long)fields[1] != lease.Token && (long)fields[1] != replacing)
            {
                return PublishClaim.InFlight((long)fields[1]);
            }

            var tran = db.CreateTransaction();
            tran.AddCondition(Condition.HashEqual(key, F.Worker, lease.WorkerId));
            tran.AddCondition(Condition.HashEqual(key, F.LeaseToken, lease.Token));
            tran.AddCondition(Condition.HashEqual(key, F.Status, TrainingJobStatus.Running.Name()));
            tran.AddCondition(recorded is null ? Condition.HashNotExists(key, F.PublishedVersion) : Condition.HashEqual(key, F.PublishedVersion, fields[0]));
            tran.AddCondition(fields[1].IsNullOrEmpty ? Condition.HashNotExists(key, F.PublishToken) : Condition.HashEqual(key, F.PublishToken, fields[1]));
            if (recorded is not null)
            {
                _ = tran.HashDeleteAsync(key, F.PublishedVersion);
            }

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
        var key = layout.JobKey(lease.JobId);
        var tran = layout.Db.CreateTransaction();
        tran.AddCondition(Condition.HashEqual(key, F.PublishToken, lease.Token));
        tran.AddCondition(Condition.HashNotExists(key, F.PublishedVersion));
        _ = tran.HashSetAsync(key, F.PublishedVersion, version);
        return await tran.ExecuteAsync();
    }

    /// <summary>The registry version a job recorded as published, or null.</summary>
    public async Task<int?> GetPublishedVersionAsync(string id)
    {
        var value = await layout.Db.HashGetAsync(layout.JobKey(id), F.PublishedVersion);
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
            _ = tran.SortedSetRemoveAsync(layout.LeasesKey, id);
            _ = tran.ListRightPushAsync(layout.QueueKey, id);
            _ = tran.HashSetAsync(layout.JobKey(id), [new(F.Status, TrainingJobStatus.Queued.Name()), new(F.Phase, "requeued")]);
            _ = tran.HashIncrementAsync(layout.JobKey(id), F.Revision);
        }))
        {
            return false;
        }

        await layout.AnnounceAsync(id);
        await layout.Db.PublishAsync(layout.WakeChannel, id);
        return true;
    }

    /// <summary>
    /// Requeues the running jobs whose lease expired (their worker died or hung); a job that already used
    /// <see cref="TrainingJoblayout.Options.MaxAttempts"/> is failed instead, and one whose cancel was asked for is cancelled.
    /// </summary>
    /// <returns>The ids that were requeued.</returns>
    public async Task<IReadOnlyList<string>> ReapExpiredAsync()
    {
        var db = layout.Db;
        var now = layout.Now();
        var expired = await db.SortedSetRangeByScoreWithScoresAsync(layout.LeasesKey, double.NegativeInfinity, now.ToUnixTimeMilliseconds());
        var requeued = new List<string>();
        foreach (var lease in expired)
        {
            var id = lease.Element.ToString();
            var fields = await db.HashGetAsync(layout.JobKey(id), [F.Status, F.Attempts, F.CancelRequested, F.Worker, F.LeaseUntil]);
            var tran = db.CreateTransaction();
            _ = tran.SortedSetRemoveAsync(layout.LeasesKey, id);
            if (fields[0] != TrainingJobStatus.Running.Name())
            {
                // A leftover entry (the job finished or is gone); the guard keeps a job that was re-claimed meanwhile.
                tran.AddCondition(fields[0].IsNull ? Condition.KeyNotExists(layout.JobKey(id)) : Condition.HashEqual(layout.JobKey(id), F.Status, fields[0]));
                await tran.ExecuteAsync();
                continue;
            }

            if ((long)fields[4] > now.ToUnixTimeMilliseconds())
            {
                continue; // renewed since the range was read
            }

            // Guarded by the job hash alone (the lease set is written by every worker, a WATCH on it would rarely hold).
            tran.AddCondition(Condition.HashEqual(layout.JobKey(id), F.Status, TrainingJobStatus.Running.Name()));
            tran.AddCondition(Condition.HashEqual(layout.JobKey(id), F.LeaseUntil, fields[4]));
            var attempts = (int)fields[1];
            TrainingJobStatus outcome;
            if (!fields[2].IsNullOrEmpty)
            {
                outcome = TrainingJobStatus.Cancelled;
                _ = tran.HashSetAsync(layout.JobKey(id), [new(F.Status, outcome.Name()), new(F.FinishedAt, TrainingJobRedis.Format(now))]);
                _ = tran.KeyExpireAsync(layout.JobKey(id), layout.Options.Retention);
            }
            else if (attempts >= layout.Options.MaxAttempts)
            {
                outcome = TrainingJobStatus.Failed;
                _ = tran.HashSetAsync(layout.JobKey(id),
                [
                    new(F.Status, outcome.Name()), new(F.FinishedAt, TrainingJobRedis.Format(now)),
                    new(F.Error, $"The worker running the job stopped renewing its lease {attempts} times; giving up."),
                ]);
                _ = tran.KeyExpireAsync(layout.JobKey(id), layout.Options.Retention);
            }
            else
            {
                outcome = TrainingJobStatus.Queued;
                _ = tran.ListRightPushAsync(layout.QueueKey, id);
                _ = tran.HashSetAsync(layout.JobKey(id), [new(F.Status, outcome.Name()), new(F.Phase, "requeued")]);
            }

            _ = tran.HashIncrementAsync(layout.JobKey(id), F.Revision);
            if (await tran.ExecuteAsync())
            {
                logger.LogWarning("Lease of training job {JobId} held by {Worker} expired; job is now {Status}", id, fields[3].ToString(), outcome.Name());
                await layout.AnnounceAsync(id);
                if (outcome == TrainingJobStatus.Queued)
                {
                    requeued.Add(id);
                }
            }
        }

        if (requeued.Count > 0)
        {
            await db.PublishAsync(layout.WakeChannel, requeued[0]);
        }

        return requeued;
    }

    /// <summary>Test and recovery hook: gives a running job's lease an expiry time.</summary>
    internal async Task SetLeaseExpiryAsync(string id, DateTimeOffset expiry)
    {
        await layout.Db.SortedSetAddAsync(layout.LeasesKey, id, expiry.ToUnixTimeMilliseconds(), SortedSetWhen.Exists);
        await layout.Db.HashSetAsync(layout.JobKey(id), F.LeaseUntil, expiry.ToUnixTimeMilliseconds());
    }

    private async Task<bool> FinishAsync(JobLease lease, TrainingJobStatus status, HashEntry[] extra)
    {
        var id = lease.JobId;
        if (!await ExecuteAsOwnerAsync(lease, tran =>
        {
            _ = tran.HashSetAsync(layout.JobKey(id), [new(F.Status, status.Name()), new(F.FinishedAt, TrainingJobRedis.Format(layout.Now())), .. extra]);
            _ = tran.HashIncrementAsync(layout.JobKey(id), F.Revision);
            _ = tran.SortedSetRemoveAsync(layout.LeasesKey, id);
            _ = tran.KeyExpireAsync(layout.JobKey(id), layout.Options.Retention);
        }))
        {
            return false;
        }

        await layout.AnnounceAsync(id);
        return true;
    }

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction guarded by "this lease still holds the running job" (worker and
    /// fencing token). A WATCH can also fail because something else touched the job hash meanwhile (progress, a cancel
    /// request); then the ownership is checked again and the write retried, so only a real loss of the job returns false.
    /// </summary>
    private async Task<bool> ExecuteAsOwnerAsync(JobLease lease, Action<ITransaction> write)
    {
        var db = layout.Db;
        var id = lease.JobId;
        for (var attempt = 0; attempt < TrainingJobRedis.MaxOptimisticRetries; attempt++)
        {
            var tran = db.CreateTransaction();
            tran.AddCondition(Condition.HashEqual(layout.JobKey(id), F.Worker, lease.WorkerId));
            tran.AddCondition(Condition.HashEqual(layout.JobKey(id), F.LeaseToken, lease.Token));
            tran.AddCondition(Condition.HashEqual(layout.JobKey(id), F.Status, TrainingJobStatus.Running.Name()));
            write(tran);
            if (await tran.ExecuteAsync())
            {
                return true;
            }

            var current = await db.HashGetAsync(layout.JobKey(id), [F.Worker, F.Status, F.LeaseToken]);
            if (current[0] != lease.WorkerId || current[1] != TrainingJobStatus.Running.Name() || current[2] != lease.Token)
            {
                return false;
            }
        }

        throw new InvalidOperationException($"Job {id} changed too often to be updated.");
    }
}
