using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using F = LogiLlm.Trainer.Jobs.TrainingJobRedis.Fields;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// The job records in Redis, shared by every trainer replica: creating (and queueing) a job, reading it, cancelling it.
/// Running jobs are written only through <see cref="TrainingJobLeases"/>, under the lease of the worker that owns them.
/// </summary>
public sealed class TrainingJobStore(TrainingJobRedis layout)
{
    /// <summary>Channel on which workers are told that the queue has work.</summary>
    public RedisChannel WakeChannel => layout.WakeChannel;

    /// <summary>Channel carrying the ids of running jobs whose cancellation was asked for.</summary>
    public RedisChannel CancelChannel => layout.CancelChannel;

    /// <summary>Channel announcing every change of one job (the message is its revision).</summary>
    public RedisChannel EventsChannel(string id) => layout.EventsChannel(id);

    /// <summary>True for text shaped like a job id (32 lower-case hex digits).</summary>
    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);

    /// <summary>Stores a new job and queues it.</summary>
    public async Task<TrainingJob> CreateAsync(TrainingJobSpec spec, CancellationToken cancellationToken = default)
    {
        var id = Guid.CreateVersion7().ToString("N");
        var now = layout.Now();
        var tran = layout.Db.CreateTransaction();
        _ = tran.HashSetAsync(layout.JobKey(id),
        [
            new(F.Id, id), new(F.Status, TrainingJobStatus.Queued.Name()), new(F.Module, spec.Module), new(F.Optimizer, spec.Optimizer.Type),
            new(F.Spec, JsonSerializer.Serialize(spec, TrainingJobsJsonContext.Default.TrainingJobSpec)),
            new(F.CreatedAt, TrainingJobRedis.Format(now)), new(F.Attempts, 0), new(F.Revision, 1), new(F.Done, 0), new(F.Total, 0),
        ]);
        _ = tran.ListLeftPushAsync(layout.QueueKey, id);
        if (!await tran.ExecuteAsync().WaitAsync(cancellationToken))
        {
            throw new InvalidOperationException("The job could not be queued.");
        }

        await layout.AnnounceAsync(id);
        await layout.Db.PublishAsync(layout.WakeChannel, id);
        return (await GetAsync(id, cancellationToken))!;
    }

    /// <summary>Reads a job, or null when unknown (or expired).</summary>
    public async Task<TrainingJob?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (!IsValidId(id))
        {
            return null;
        }

        var entries = await layout.Db.HashGetAllAsync(layout.JobKey(id)).WaitAsync(cancellationToken);
        return entries.Length == 0 ? null : ToJob(entries.ToDictionary(e => e.Name.ToString(), e => e.Value));
    }

    /// <summary>Reads the spec a job was queued with.</summary>
    public async Task<TrainingJobSpec?> GetSpecAsync(string id, CancellationToken cancellationToken = default)
    {
        var json = await layout.Db.HashGetAsync(layout.JobKey(id), F.Spec).WaitAsync(cancellationToken);
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize(json.ToString(), TrainingJobsJsonContext.Default.TrainingJobSpec);
    }

    /// <summary>Ids waiting in the queue, next first.</summary>
    public async Task<IReadOnlyList<string>> QueuedIdsAsync()
    {
        var values = await layout.Db.ListRangeAsync(layout.QueueKey);
        return values.Reverse().Select(v => v.ToString()).ToArray();
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

        var db = layout.Db;
        for (var attempt = 0; attempt < TrainingJobRedis.MaxOptimisticRetries; attempt++)
        {
            var status = await db.HashGetAsync(layout.JobKey(id), F.Status).WaitAsync(cancellationToken);
            if (status.IsNull)
            {
                return null;
            }

            var tran = db.CreateTransaction();
            tran.AddCondition(Condition.HashEqual(layout.JobKey(id), F.Status, status));
            if (status == TrainingJobStatus.Queued.Name())
            {
                _ = tran.ListRemoveAsync(layout.QueueKey, id);
                _ = tran.HashSetAsync(layout.JobKey(id), [new(F.Status, TrainingJobStatus.Cancelled.Name()), new(F.CancelRequested, 1), new(F.FinishedAt, TrainingJobRedis.Format(layout.Now()))]);
                _ = tran.HashIncrementAsync(layout.JobKey(id), F.Revision);
                _ = tran.KeyExpireAsync(layout.JobKey(id), layout.Options.Retention);
            }
            else if (status == TrainingJobStatus.Running.Name())
            {
                _ = tran.HashSetAsync(layout.JobKey(id), F.CancelRequested, 1);
                _ = tran.HashIncrementAsync(layout.JobKey(id), F.Revision);
            }
            else
            {
                return await GetAsync(id, cancellationToken) is { } finished ? (finished, finished.Status) : null;
            }

            if (await tran.ExecuteAsync())
            {
                if (status == TrainingJobStatus.Running.Name())
                {
                    await db.PublishAsync(layout.CancelChannel, id);
                }

                await layout.AnnounceAsync(id);
                return await GetAsync(id, cancellationToken) is { } job ? (job, ParseStatus(status)) : null;
            }
        }

        throw new InvalidOperationException($"Job {id} changed too often to be cancelled.");
    }

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
