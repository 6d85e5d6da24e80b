using System.Collections.Concurrent;
using System.Threading.Channels;
using LogiLlm.Trainer.Jobs;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>
/// A runner the test controls: each run reports progress, announces that it started, then waits until the test
/// releases it (or its token is cancelled) and returns a Predict module of the job's signature.
/// </summary>
public sealed class GatedRunner(string name = "gated") : ITrainingRunner
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _release = new();

    public string Name => name;

    public ConcurrentQueue<string> Started { get; } = new();

    public ConcurrentQueue<string> Cancelled { get; } = new();

    public ConcurrentQueue<string> Finished { get; } = new();

    /// <summary>Completes when a run starts (its module name).</summary>
    public Channel<string> Starts { get; } = Channel.CreateUnbounded<string>();

    public bool AutoRelease { get; set; }

    public TimeSpan? HoldFor { get; set; }

    public void Release(string module) => Gate(module).TrySetResult();

    public async Task<TrainingOutcome> RunAsync(TrainingJobSpec spec, IProgress<TrainingProgress> progress, CancellationToken cancellationToken)
    {
        Started.Enqueue(spec.Module);
        progress.Report(new TrainingProgress(1, 2, 0.25, "gated"));
        Starts.Writer.TryWrite(spec.Module);
        try
        {
            if (HoldFor is { } hold)
            {
                await Task.Delay(hold, cancellationToken);
            }

            if (!AutoRelease)
            {
                await Gate(spec.Module).Task.WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            Cancelled.Enqueue(spec.Module);
            throw;
        }

        progress.Report(new TrainingProgress(2, 2, 0.75, "gated"));
        Finished.Enqueue(spec.Module);
        var module = new Predict(LogiLlm.Signatures.Signature.Parse(spec.Signature, spec.Instructions));
        module.Metadata["runner"] = name;
        return new TrainingOutcome(module, 0.25, 0.75, 0.5);
    }

    private TaskCompletionSource Gate(string module) =>
        _release.GetOrAdd(module, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>A runner that always fails.</summary>
public sealed class FailingRunner : ITrainingRunner
{
    public Task<TrainingOutcome> RunAsync(TrainingJobSpec spec, IProgress<TrainingProgress> progress, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The optimizer exploded on purpose.");
}
