using System.Diagnostics;
using System.Net.Http.Headers;

namespace LogiLlm.Benchmarks;

/// <summary>
/// A closed-loop HTTP load generator: N workers, each sending one request after the other on a shared
/// <see cref="HttpClient"/>; a warm-up that is not recorded, then a measured phase recording every latency.
/// </summary>
internal static class ServeLoadGenerator
{
    /// <summary>Most latencies one worker records in one phase (bounds memory; the worker stops when full).</summary>
    public const int MaxSamplesPerWorker = 1_000_000;

    /// <summary>What to send: a GET, or a POST with a JSON body.</summary>
    public sealed record Target(string Name, Uri Url, byte[]? JsonBody);

    /// <summary>The outcome of one measured phase.</summary>
    public sealed record PhaseResult(string Name, int Round, long Requests, long Errors, double Seconds, double P50Ms, double P99Ms, double MaxMs, string? FirstError)
    {
        /// <summary>Successful requests per second.</summary>
        public double Rps => Seconds > 0 ? Requests / Seconds : 0;
    }

    /// <summary>A shared client for loopback load: pooled connections, enough of them for every worker, no proxy.</summary>
    public static HttpClient CreateClient(int workers) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = Math.Max(1024, workers * 2),
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Runs <paramref name="warmup"/> unrecorded, then <paramref name="measured"/> recorded, with <paramref name="workers"/> workers.</summary>
    public static async Task<PhaseResult> RunAsync(
        HttpClient http, Target target, int round, int workers, TimeSpan warmup, TimeSpan measured, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var measureStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureEnd = measureStart + (long)(measured.TotalSeconds * Stopwatch.Frequency);

        // Hard stop: no request of this phase outlives the phase by more than the client timeout.
        using var hardStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        hardStop.CancelAfter(warmup + measured + TimeSpan.FromSeconds(15));

        var states = Enumerable.Range(0, workers).Select(_ => new WorkerState()).ToArray();
        await Task.WhenAll(states.Select(state => Task.Run(() => WorkerAsync(http, target, state, measureStart, measureEnd, hardStop.Token), CancellationToken.None)))
            .ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var total = states.Sum(s => s.Count);
        var all = new long[total];
        var offset = 0;
        foreach (var state in states)
        {
            Array.Copy(state.Latencies, 0, all, offset, state.Count);
            offset += state.Count;
        }

        Array.Sort(all);
        var firstError = states.Select(s => s.FirstError).FirstOrDefault(e => e is not null);
        return new PhaseResult(
            target.Name, round, total, states.Sum(s => s.Errors), measured.TotalSeconds,
            Percentile(all, 0.50), Percentile(all, 0.99), total == 0 ? 0 : ToMs(all[^1]), firstError);
    }

    private sealed class WorkerState
    {
        public long[] Latencies = new long[4096];
        public int Count;
        public long Errors;
        public string? FirstError;

        public void Record(long ticks)
        {
            if (Count == Latencies.Length)
            {
                Array.Resize(ref Latencies, Math.Min(Latencies.Length * 2, MaxSamplesPerWorker));
            }

            Latencies[Count++] = ticks;
        }

        public bool Full => Count >= MaxSamplesPerWorker;
    }

    private static async Task WorkerAsync(HttpClient http, Target target, WorkerState state, long measureStart, long measureEnd, CancellationToken cancellationToken)
    {
        var contentType = new MediaTypeHeaderValue("application/json");
        while (!cancellationToken.IsCancellationRequested && !state.Full)
        {
            var sent = Stopwatch.GetTimestamp();
            if (sent >= measureEnd)
            {
                return;
            }

            var ok = false;
            string? error = null;
            try
            {
                using var request = new HttpRequestMessage(target.JsonBody is null ? HttpMethod.Get : HttpMethod.Post, target.Url);
                if (target.JsonBody is { } body)
                {
                    request.Content = new ByteArrayContent(body);
                    request.Content.Headers.ContentType = contentType;
                }

                // The default completion option reads the whole body, so a latency includes it.
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                ok = response.IsSuccessStatusCode;
                if (!ok)
                {
                    error = $"HTTP {(int)response.StatusCode}: {Truncate(await response.Content.ReadAsStringAsync(CancellationToken.None).ConfigureAwait(false))}";
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                error = $"{ex.GetType().Name}: {ex.Message}";
            }

            var done = Stopwatch.GetTimestamp();

            // Only requests that started and finished inside the measured window count.
            if (sent < measureStart || done > measureEnd)
            {
                continue;
            }

            if (ok)
            {
                state.Record(done - sent);
            }
            else
            {
                state.Errors++;
                state.FirstError ??= error;
            }
        }
    }

    private static double Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : ToMs(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
