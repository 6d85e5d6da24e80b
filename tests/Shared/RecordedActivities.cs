using System.Diagnostics;

namespace LogiLlm.Tests.Shared;

/// <summary>
/// Activities as they stop (fed by an <see cref="ActivityListener"/>'s <c>ActivityStopped</c> or by an in-memory
/// exporter on a simple processor). A span can stop after the client already has its answer (a server span ends once
/// the response is sent; a job's span after its last event is written), so a test waits for the one it needs
/// (<see cref="WaitForAsync"/>, bounded by its token) instead of reading a snapshot too early. Sources are
/// process-wide, so other tests' activities may arrive too: adds and reads are locked.
/// </summary>
public sealed class RecordedActivities : System.Collections.ObjectModel.Collection<Activity>
{
    private readonly Lock _gate = new();
    private readonly List<(Func<Activity, bool> Match, TaskCompletionSource<Activity> Found)> _waiters = [];

    public Activity[] Snapshot()
    {
        lock (_gate)
        {
            return [.. Items];
        }
    }

    /// <summary>The first recorded activity that matches, as soon as one has stopped.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Items.FirstOrDefault(match) is { } present)
            {
                return present;
            }

            _waiters.Add((match, found));
        }

        try
        {
            return await found.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            lock (_gate)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (_gate)
        {
            base.InsertItem(index, item);
            _waiters.RemoveAll(w => w.Match(item) && w.Found.TrySetResult(item));
        }
    }
}
