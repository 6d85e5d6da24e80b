namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// A worker's claim on a running job. <paramref name="Token"/> is the fencing token: it grows with every claim of the
/// job, and every write of the worker is guarded by it, so a worker whose lease lapsed (and whose job another claim
/// took over, even on the same replica) can no longer write progress, results or the job's end.
/// </summary>
/// <param name="Job">The job as claimed.</param>
/// <param name="WorkerId">The worker that holds the lease.</param>
/// <param name="Token">The lease revision this claim holds.</param>
public sealed record JobLease(TrainingJob Job, string WorkerId, long Token)
{
    /// <summary>The job id.</summary>
    public string JobId => Job.Id;
}
