namespace LogiLlm.Optimizers;

/// <summary>Bounded-concurrency loop over indices 0..count-1, handed out in ascending order.</summary>
internal static class ParallelRunner
{
    /// <summary>
    /// Runs <paramref name="body"/> for every index with at most <paramref name="maxConcurrency"/> in flight.
    /// The first exception (or cancellation) stops handing out indices and is thrown once the running bodies end.
    /// </summary>
    public static async Task ForEachIndexAsync(int count, int maxConcurrency, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (count == 0)
        {
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxConcurrency), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, count), options, body).ConfigureAwait(false);
    }
}
