namespace LogiLlm.Trainer.Jobs;

/// <summary>The states of a training job, as written in Redis and in responses.</summary>
public static class TrainingJobStatus
{
    /// <summary>Waiting in the queue.</summary>
    public const string Queued = "queued";

    /// <summary>A worker owns it and is optimizing.</summary>
    public const string Running = "running";

    /// <summary>Finished; a new module version was published.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Finished with an error.</summary>
    public const string Failed = "failed";

    /// <summary>Cancelled before it finished.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>True for the states a job never leaves.</summary>
    public static bool IsTerminal(string? status) => status is Succeeded or Failed or Cancelled;
}
