using System.ComponentModel.DataAnnotations;

namespace LogiLlm.Trainer.Jobs;

/// <summary>How this replica runs training jobs (<c>TrainingJobs</c> section).</summary>
public sealed class TrainingJobOptions : IValidatableObject
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "TrainingJobs";

    /// <summary>Jobs this replica runs at the same time (0 = this replica only serves the API).</summary>
    [Range(0, 64)]
    public int Concurrency { get; set; } = 1;

    /// <summary>Prefix of every Redis key and channel of the job queue.</summary>
    [Required, RegularExpression("^[A-Za-z0-9:_.-]+$")]
    public string KeyPrefix { get; set; } = "logillm:jobs";

    /// <summary>How long a worker owns a running job without renewing; after that the reaper requeues it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker renews its lease and checks for a cancel request it may have missed.</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often each replica looks for expired leases (one sorted-set read when idle).</summary>
    public TimeSpan ReaperInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Longest wait for new work when no wake-up arrives on pub/sub: idle slots wait for the notification, this fallback
    /// poll only covers a missed one, so an idle replica issues few commands.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a worker keeps retrying the end of a job (renewal before publishing, complete, fail, cancel) while Redis
    /// does not answer; after that the lease lapses and the reaper requeues the job.
    /// </summary>
    public TimeSpan EndRetryWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a run waits for an earlier run of the same job that is still publishing (its lease lapsed during the
    /// publish) to record its version, before looking for it in the registry and taking the publish over.
    /// </summary>
    public TimeSpan PublishWaitTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Smallest gap between two progress writes of one job.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs of a job (counting ones whose worker died) before it is failed instead of requeued.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a finished job stays readable.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Most examples accepted in one of <c>trainset</c> or <c>valset</c>.</summary>
    [Range(1, 1_000_000)]
    public int MaxExamples { get; set; } = 10_000;

    /// <summary>How often a job's event stream sends a heartbeat comment while nothing changes.</summary>
    public TimeSpan EventHeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Longest life of one event stream; the client reconnects (with <c>Last-Event-ID</c>) to keep following.</summary>
    public TimeSpan MaxEventStreamLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Most event streams open at once on this replica; past it the answer is 503 with <c>Retry-After</c>.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentEventStreams { get; set; } = 100;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LeaseDuration < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("LeaseDuration must be at least 1 second.", [nameof(LeaseDuration)]);
        }

        if (LeaseRenewInterval <= TimeSpan.Zero || LeaseRenewInterval * 2 > LeaseDuration)
        {
            yield return new ValidationResult("LeaseRenewInterval must be positive and at most half of LeaseDuration.", [nameof(LeaseRenewInterval)]);
        }

        foreach (var (name, value) in new[] { (nameof(ReaperInterval), ReaperInterval), (nameof(PollInterval), PollInterval), (nameof(ProgressInterval), ProgressInterval), (nameof(EndRetryWindow), EndRetryWindow), (nameof(PublishWaitTimeout), PublishWaitTimeout), (nameof(Retention), Retention), (nameof(EventHeartbeatInterval), EventHeartbeatInterval), (nameof(MaxEventStreamLifetime), MaxEventStreamLifetime) })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"{name} must be positive.", [name]);
            }
        }
    }
}
