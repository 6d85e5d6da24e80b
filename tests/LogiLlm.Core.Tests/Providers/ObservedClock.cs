using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace LogiLlm.Core.Tests.Providers;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test every timer the code under test arms (a retry delay, a timeout),
/// so the test moves time only once the timer exists: no real waiting, and no race between the clock and the code.
/// </summary>
internal sealed class ObservedClock : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _armed = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ObservedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Armed(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer due in <paramref name="predicate"/>-matching time is armed; returns its due time.</summary>
    public async Task<TimeSpan> NextTimerAsync(Func<TimeSpan, bool> predicate, CancellationToken ct)
    {
        while (true)
        {
            var due = await _armed.Reader.ReadAsync(ct);
            if (predicate(due)) return due;
        }
    }

    private void Armed(TimeSpan dueTime)
    {
        if (dueTime != Timeout.InfiniteTimeSpan) _armed.Writer.TryWrite(dueTime);
    }

    private sealed class ObservedTimer(ITimer inner, ObservedClock clock) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Armed(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
