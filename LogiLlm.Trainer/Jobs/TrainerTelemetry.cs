using System.Diagnostics;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// The span of a training job, <c>train {module}</c> (a root: jobs are not started by the request that queued them),
/// with the job's id, optimizer and attempt, and a <c>trial</c> event per step (done, total, best score, phase).
/// </summary>
public static class TrainerTelemetry
{
    /// <summary>Source name (within the services' <c>LogiLlm.*</c> sources).</summary>
    public const string SourceName = "LogiLlm.Trainer";

    /// <summary>Most trial events on one job's span (a long search keeps its first steps).</summary>
    public const int MaxTrialEvents = 500;

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of <paramref name="job"/> as the root of its own trace.</summary>
    public static Activity? StartJob(TrainingJob job)
    {
        // The worker's loop has no request around it; make sure nothing ambient becomes this job's parent.
        var previous = Activity.Current;
        Activity.Current = null;
        try
        {
            var activity = Source.StartActivity($"train {job.Module}", ActivityKind.Internal);
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag("logillm.module", job.Module);
                activity.SetTag("logillm.training_job.id", job.Id);
                activity.SetTag("logillm.training_job.optimizer", job.Optimizer);
                activity.SetTag("logillm.training_job.attempt", job.Attempts);
            }

            return activity;
        }
        finally
        {
            if (Activity.Current is null)
            {
                Activity.Current = previous;
            }
        }
    }

    /// <summary>Adds a <c>trial</c> event for a reported step.</summary>
    public static void AddTrial(Activity span, TrainingProgress progress)
    {
        var tags = new ActivityTagsCollection
        {
            ["logillm.trial.done"] = progress.Done,
            ["logillm.trial.total"] = progress.Total,
        };
        if (progress.BestScore is { } best)
        {
            tags["logillm.trial.best_score"] = best;
        }

        if (progress.Phase is { } phase)
        {
            tags["logillm.trial.phase"] = phase;
        }

        span.AddEvent(new ActivityEvent("trial", tags: tags));
    }
}
