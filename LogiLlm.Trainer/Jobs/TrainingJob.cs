namespace LogiLlm.Trainer.Jobs;

/// <summary>A training job as <c>GET /api/training-jobs/{id}</c> returns it.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Status">Where the job is (<c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c>, <c>cancelled</c>).</param>
/// <param name="Module">Registry name the result is published under.</param>
/// <param name="Optimizer">Optimizer type.</param>
/// <param name="Progress">Work done so far.</param>
/// <param name="Result">The published version and scores, once succeeded.</param>
/// <param name="Error">Why it failed, once failed.</param>
/// <param name="Attempts">How many times a worker started it (more than 1 after a worker died).</param>
/// <param name="Worker">The worker that runs or last ran it.</param>
/// <param name="CancelRequested">A cancel was asked for.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="StartedAt">When a worker last started it.</param>
/// <param name="FinishedAt">When it reached a terminal state.</param>
/// <param name="Revision">Increases with every change (the server-sent event id).</param>
public sealed record TrainingJob(
    string Id,
    TrainingJobStatus Status,
    string Module,
    string Optimizer,
    TrainingProgress Progress,
    TrainingJobResult? Result,
    string? Error,
    int Attempts,
    string? Worker,
    bool CancelRequested,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long Revision)
{
    /// <summary>True once the job is succeeded, failed or cancelled.</summary>
    public bool IsTerminal => Status.IsTerminal();
}

/// <summary>Progress of an optimization.</summary>
/// <param name="Done">Steps done (evaluations, trials, ...).</param>
/// <param name="Total">Steps planned (0 while unknown).</param>
/// <param name="BestScore">Best validation score so far.</param>
/// <param name="Phase">What is happening (e.g. <c>baseline</c>, <c>optimizing</c>).</param>
public sealed record TrainingProgress(int Done, int Total, double? BestScore, string? Phase = null);

/// <summary>What a succeeded job produced.</summary>
/// <param name="Module">Registry name.</param>
/// <param name="Version">The new immutable version (<c>latest</c> points at it).</param>
/// <param name="BaselineScore">Validation score before optimization.</param>
/// <param name="BestScore">Validation score of the published module.</param>
/// <param name="Improvement">Best minus baseline.</param>
/// <param name="Comparison">For bootstrap-few-shot: how its score compares with labeled-few-shot using every training row, on the same set.</param>
public sealed record TrainingJobResult(string Module, int Version, double BaselineScore, double BestScore, double Improvement, TrainingComparison? Comparison = null);

/// <summary>The answer to a job creation or cancellation.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Status">Its status now.</param>
public sealed record TrainingJobAccepted(string Id, TrainingJobStatus Status);
