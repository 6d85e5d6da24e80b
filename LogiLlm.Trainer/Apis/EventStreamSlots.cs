using LogiLlm.Trainer.Jobs;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer.Apis;

/// <summary>Counts the open event streams of this replica against <see cref="TrainingJobOptions.MaxConcurrentEventStreams"/>.</summary>
public sealed class EventStreamSlots(IOptions<TrainingJobOptions> options)
{
    private int _open;

    /// <summary>Streams open now.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>A slot to dispose when the stream ends, or null when all are taken.</summary>
    public IDisposable? TryTake()
    {
        if (Interlocked.Increment(ref _open) > options.Value.MaxConcurrentEventStreams)
        {
            Interlocked.Decrement(ref _open);
            return null;
        }

        return new Slot(this);
    }

    private sealed class Slot(EventStreamSlots owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Interlocked.Decrement(ref owner._open);
            }
        }
    }
}
