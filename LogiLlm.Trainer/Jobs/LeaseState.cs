namespace LogiLlm.Trainer.Jobs;

/// <summary>What a lease renewal found.</summary>
public enum LeaseState
{
    /// <summary>The worker still owns the job.</summary>
    Owned,

    /// <summary>The worker owns the job and a cancel was asked for.</summary>
    CancelRequested,

    /// <summary>The job is no longer this worker's (its lease expired and it was requeued, or it finished).</summary>
    Lost,
}
