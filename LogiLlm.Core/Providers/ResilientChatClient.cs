using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogiLlm.Providers;

/// <summary>
/// Middleware that retries transient provider failures (HTTP 408/429/5xx, timeouts, network errors)
/// with bounded exponential backoff, turns every provider failure into a <see cref="ProviderException"/>
/// whose message holds no secret, and logs calls without content or credentials.
/// </summary>
internal sealed partial class ResilientChatClient : DelegatingChatClient
{
    private const int MaxDetailLength = 400;
    private readonly string _providerName;
    private readonly string _model;
    private readonly int _maxRetries;
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly SecretRedactor _redactor;
    private readonly ILogger _logger;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    public ResilientChatClient(
        IChatClient inner,
        string providerName,
        string model,
        ProviderOptions options,
        SecretRedactor redactor,
        Func<TimeSpan, CancellationToken, Task>? delay = null)
        : base(inner)
    {
        _providerName = providerName;
        _model = model;
        _maxRetries = Math.Max(0, options.MaxRetries);
        _baseDelay = options.RetryBaseDelay < TimeSpan.Zero ? TimeSpan.Zero : options.RetryBaseDelay;
        _maxDelay = options.RetryMaxDelay < _baseDelay ? _baseDelay : options.RetryMaxDelay;
        _redactor = redactor;
        _logger = options.LoggerFactory?.CreateLogger("LogiLlm.Providers") ?? NullLogger.Instance;
        _delay = delay ?? Task.Delay;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Materialize once: every retry must send the same messages.
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        var started = Stopwatch.GetTimestamp();
        LogCalling(_logger, _providerName, _model, list.Count);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
                LogCompleted(_logger, _providerName, _model, attempt, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    response.Usage?.InputTokenCount, response.Usage?.OutputTokenCount);
                return response;
            }
            catch (Exception ex) when (ShouldHandle(ex, cancellationToken))
            {
                await WaitOrThrowAsync(ex, attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IReadOnlyCollection<ChatMessage> ?? messages.ToList();
        LogCalling(_logger, _providerName, _model, list.Count);
        for (var attempt = 1; ; attempt++)
        {
            IAsyncEnumerator<ChatResponseUpdate>? enumerator = null;
            ChatResponseUpdate? first = null;
            var hasFirst = false;
            try
            {
                enumerator = base.GetStreamingResponseAsync(list, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
                hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
                if (hasFirst) first = enumerator.Current;
            }
            catch (Exception ex) when (ShouldHandle(ex, cancellationToken))
            {
                if (enumerator is not null) await enumerator.DisposeAsync().ConfigureAwait(false);
                await WaitOrThrowAsync(ex, attempt, cancellationToken).ConfigureAwait(false);
                continue;
            }

            // Once the first update arrived, the stream is not retried (the caller may have used it).
            await using (enumerator.ConfigureAwait(false))
            {
                if (!hasFirst) yield break;
                yield return first!;
                while (true)
                {
                    bool more;
                    try
                    {
                        more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ShouldHandle(ex, cancellationToken)
                        && (ProviderErrorClassifier.Classify(ex, cancellationToken).IsProviderError || _redactor.Contains(ex)))
                    {
                        var pe = ToProviderException(ex, attempt);
                        LogFailed(_logger, _providerName, _model, StatusText(pe.StatusCode), attempt, pe.Message);
                        throw pe;
                    }
                    if (!more) yield break;
                    yield return enumerator.Current;
                }
            }
        }
    }

    private static string StatusText(int? status) => status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";

    private static bool ShouldHandle(Exception ex, CancellationToken ct) =>
        !(ex is OperationCanceledException && ct.IsCancellationRequested);

    /// <summary>Waits before the next attempt, or throws the final (redacted) exception.</summary>
    private async Task WaitOrThrowAsync(Exception ex, int attempt, CancellationToken ct)
    {
        var c = ProviderErrorClassifier.Classify(ex, ct);
        if (!c.IsProviderError)
        {
            LogNonProviderFailure(_logger, _providerName, _model, ex.GetType().Name, _redactor.Redact(ex.Message));
            if (_redactor.Contains(ex)) throw ToProviderException(ex, attempt);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
        }

        if (!c.IsTransient || attempt > _maxRetries)
        {
            var pe = ToProviderException(ex, attempt);
            LogFailed(_logger, _providerName, _model, StatusText(c.StatusCode), attempt, pe.Message);
            throw pe;
        }

        var delay = ComputeDelay(attempt, c.RetryAfter);
        LogRetrying(_logger, _providerName, _model, StatusText(c.StatusCode), c.Kind, attempt, _maxRetries + 1, delay.TotalMilliseconds);
        await _delay(delay, ct).ConfigureAwait(false);
    }

    internal TimeSpan ComputeDelay(int attempt, TimeSpan? retryAfter)
    {
        var exp = _baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        var jittered = exp * (0.8 + (Random.Shared.NextDouble() * 0.4));
        var ms = Math.Min(jittered, _maxDelay.TotalMilliseconds);
        if (retryAfter is { } ra) ms = Math.Min(Math.Max(ms, ra.TotalMilliseconds), _maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ms);
    }

    internal ProviderException ToProviderException(Exception ex, int attempts)
    {
        if (ex is ProviderException existing && !_redactor.Contains(existing.Message)) return existing;
        var c = ProviderErrorClassifier.Classify(ex, CancellationToken.None);
        var detail = _redactor.Redact(ex.Message).ReplaceLineEndings(" ").Trim();
        if (detail.Length > MaxDetailLength) detail = detail[..MaxDetailLength] + "...";
        var what = c.StatusCode is { } s ? $"HTTP {s}" : c.Kind switch
        {
            "network" => "a network error (no response)",
            "timeout" => "a timeout",
            "invalid-response" => "an unreadable response",
            _ => "an SDK error",
        };
        var hint = c.StatusCode switch
        {
            401 or 403 => " Check the API key and its permissions.",
            404 => " Check the model name and the endpoint.",
            429 => " Rate limited; slow down or raise the limit.",
            _ => string.Empty,
        };
        var message = $"Provider '{_providerName}' (model '{_model}') failed with {what} after {attempts} attempt(s){(c.IsTransient ? " (transient)" : string.Empty)}.{hint} Detail: {detail}";
        // Keep the SDK exception for diagnosis unless something in it carries the key.
        var inner = _redactor.Contains(ex) ? null : ex;
        return new ProviderException(message, _providerName, c.StatusCode, c.IsTransient, inner) { Attempts = attempts };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Calling provider {Provider} model {Model} with {MessageCount} message(s)")]
    private static partial void LogCalling(ILogger logger, string provider, string model, int messageCount);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Provider {Provider} model {Model} answered on attempt {Attempt} in {ElapsedMs:F0} ms (input tokens {InputTokens}, output tokens {OutputTokens})")]
    private static partial void LogCompleted(ILogger logger, string provider, string model, int attempt, double elapsedMs, long? inputTokens, long? outputTokens);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Provider {Provider} model {Model}: transient failure (status {StatusCode}, {Kind}) on attempt {Attempt} of at most {MaxAttempts}; retrying in {DelayMs:F0} ms")]
    private static partial void LogRetrying(ILogger logger, string provider, string model, string statusCode, string kind, int attempt, int maxAttempts, double delayMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Provider {Provider} model {Model} failed (status {StatusCode}) after {Attempts} attempt(s): {Reason}")]
    private static partial void LogFailed(ILogger logger, string provider, string model, string statusCode, int attempts, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Provider {Provider} model {Model}: call failed with {ExceptionType}: {Reason}")]
    private static partial void LogNonProviderFailure(ILogger logger, string provider, string model, string exceptionType, string reason);
}
