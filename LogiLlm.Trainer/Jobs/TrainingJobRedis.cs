using System.Globalization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// How training jobs are laid out in Redis, shared by <see cref="TrainingJobStore"/> (the job records) and
/// <see cref="TrainingJobLeases"/> (the queue and the leases). Only commands that Redis and Garnet both have: a hash per
/// job, a list as the queue, a sorted set of leases, WATCH/MULTI/EXEC, pub/sub.
/// </summary>
public sealed class TrainingJobRedis(IConnectionMultiplexer redis, IOptions<TrainingJobOptions> options, TimeProvider time, ILogger<TrainingJobRedis> logger)
{
    /// <summary>Attempts of an optimistic (WATCH) transaction before giving up.</summary>
    internal const int MaxOptimisticRetries = 50;

    internal TrainingJobOptions Options => options.Value;

    internal IDatabase Db => redis.GetDatabase();

    internal RedisKey QueueKey => $"{Options.KeyPrefix}:queue";

    internal RedisKey LeasesKey => $"{Options.KeyPrefix}:leases";

    /// <summary>Channel on which workers are told that the queue has work.</summary>
    public RedisChannel WakeChannel => RedisChannel.Literal($"{Options.KeyPrefix}:wake");

    /// <summary>Channel carrying the ids of running jobs whose cancellation was asked for.</summary>
    public RedisChannel CancelChannel => RedisChannel.Literal($"{Options.KeyPrefix}:cancel");

    /// <summary>Channel announcing every change of one job (the message is its revision).</summary>
    public RedisChannel EventsChannel(string id) => RedisChannel.Literal($"{Options.KeyPrefix}:events:{id}");

    internal RedisKey JobKey(string id) => $"{Options.KeyPrefix}:job:{id}";

    internal DateTimeOffset Now() => time.GetUtcNow();

    internal static string Format(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Tells the job's followers that it changed.</summary>
    internal async Task AnnounceAsync(string id)
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

    /// <summary>The fields of a job's hash.</summary>
    internal static class Fields
    {
        public const string Id = "id", Status = "status", Module = "module", Optimizer = "optimizer", Spec = "spec",
            CreatedAt = "createdAt", StartedAt = "startedAt", FinishedAt = "finishedAt", Worker = "worker",
            Attempts = "attempts", Revision = "revision", Done = "done", Total = "total", BestScore = "bestScore",
            Phase = "phase", Result = "result", Error = "error", CancelRequested = "cancelRequested", LeaseUntil = "leaseUntil",
            LeaseToken = "leaseToken", PublishedVersion = "publishedVersion", PublishToken = "publishToken";
    }
}
