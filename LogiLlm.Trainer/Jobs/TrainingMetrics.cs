using System.Diagnostics.Metrics;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// Metrics of training jobs (meter <c>LogiLlm.Trainer</c>, exported by the service defaults): jobs by outcome,
/// optimizer trials, scores and durations, tagged with module and optimizer.
/// </summary>
public sealed class TrainingMetrics
{
    /// <summary>Meter name.</summary>
    public const string MeterName = "LogiLlm.Trainer";

    private readonly Counter<long> _jobs;
    private readonly Counter<long> _trials;
    private readonly Histogram<double> _bestScore;
    private readonly Histogram<double> _improvement;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public TrainingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _jobs = meter.CreateCounter<long>("logillm.training.jobs", "{job}", "Training jobs that ended, by status.");
        _trials = meter.CreateCounter<long>("logillm.training.trials", "{trial}", "Optimizer trials evaluated.");
        _bestScore = meter.CreateHistogram<double>("logillm.training.best_score", null, "Best validation score of a succeeded job.");
        _improvement = meter.CreateHistogram<double>("logillm.training.improvement", null, "Best score minus baseline score of a succeeded job.");
        _duration = meter.CreateHistogram<double>("logillm.training.duration", "s", "Wall time of a training job run.");
    }

    /// <summary>Records a job that published a new version.</summary>
    public void Succeeded(string module, string optimizer, TrainingOutcome outcome, TimeSpan duration)
    {
        var tags = Tags(module, optimizer, TrainingJobStatus.Succeeded.Name());
        _jobs.Add(1, tags);
        _trials.Add(outcome.Trials, Tags(module, optimizer, null));
        _bestScore.Record(outcome.BestScore, Tags(module, optimizer, null));
        _improvement.Record(outcome.Improvement, Tags(module, optimizer, null));
        _duration.Record(duration.TotalSeconds, tags);
    }

    /// <summary>Records a job that ended without a result (<c>failed</c>, <c>cancelled</c>, <c>requeued</c>).</summary>
    public void Ended(string module, string optimizer, string status, TimeSpan duration)
    {
        var tags = Tags(module, optimizer, status);
        _jobs.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    private static KeyValuePair<string, object?>[] Tags(string module, string optimizer, string? status) => status is null
        ? [new("logillm.module", module), new("logillm.optimizer", optimizer)]
        : [new("logillm.module", module), new("logillm.optimizer", optimizer), new("logillm.job.status", status)];
}
