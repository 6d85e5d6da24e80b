using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using LogiLlm.Trainer.Jobs;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Apis;

/// <summary>
/// The server-sent events of one training job: the job after every change until it is terminal, a comment line as a
/// heartbeat while nothing changes (so proxies and clients can tell a quiet stream from a dead one), and an end after
/// <see cref="TrainingJobOptions.MaxEventStreamLifetime"/> (an <c>EventSource</c> reconnects with <c>Last-Event-ID</c>).
/// </summary>
internal sealed class TrainingJobEventStream(string id, TrainingJobStore jobs, IConnectionMultiplexer redis, TrainingJobOptions options, IDisposable slot) : IResult
{
    /// <summary>How often the stream re-reads the job when no change is announced.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>The comment written as a heartbeat.</summary>
    public const string Heartbeat = ": heartbeat";

    /// <summary>The comment written when the stream ends because it reached its maximum lifetime.</summary>
    public const string LifetimeReached = ": stream lifetime reached; reconnect to keep following";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var _ = slot;
        var response = httpContext.Response;
        var cancellationToken = httpContext.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var json = httpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        Action<RedisChannel, RedisValue> onChange = (_, _) => changed.Writer.TryWrite(true);
        var subscriber = redis.GetSubscriber();
        var channel = jobs.EventsChannel(id);
        await subscriber.SubscribeAsync(channel, onChange);
        try
        {
            var time = TimeProvider.System;
            var started = time.GetTimestamp();
            var lastWrite = started;
            var lastRevision = -1L;
            // Read after subscribing so that no change falls between the read and the subscription.
            while (await jobs.GetAsync(id, cancellationToken) is { } job)
            {
                if (job.Revision != lastRevision)
                {
                    lastRevision = job.Revision;
                    await WriteAsync(response, Event(job, json), cancellationToken);
                    lastWrite = time.GetTimestamp();
                }

                if (job.IsTerminal)
                {
                    return;
                }

                if (time.GetElapsedTime(started) >= options.MaxEventStreamLifetime)
                {
                    await WriteAsync(response, LifetimeReached + "\n\n", cancellationToken);
                    return;
                }

                if (time.GetElapsedTime(lastWrite) >= options.EventHeartbeatInterval)
                {
                    await WriteAsync(response, Heartbeat + "\n\n", cancellationToken);
                    lastWrite = time.GetTimestamp();
                }

                var wait = Min(PollInterval, options.EventHeartbeatInterval - time.GetElapsedTime(lastWrite), options.MaxEventStreamLifetime - time.GetElapsedTime(started));
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(wait);
                try
                {
                    await changed.Reader.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client left.
        }
        finally
        {
            await subscriber.UnsubscribeAsync(channel, onChange);
        }
    }

    private static string Event(TrainingJob job, JsonSerializerOptions json) =>
        $"id: {job.Revision.ToString(CultureInfo.InvariantCulture)}\nevent: {job.Status.Name()}\ndata: {JsonSerializer.Serialize(job, json)}\n\n";

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static TimeSpan Min(params TimeSpan[] values)
    {
        var min = values.Min();
        return min > TimeSpan.Zero ? min : TimeSpan.FromMilliseconds(1);
    }
}
