using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogiLlm.Providers;

/// <summary>
/// The innermost middleware of every provider: turns each provider failure into a <see cref="ProviderException"/>
/// whose message, inner exception and log line hold no secret, counting the transport's attempts. It sits inside the
/// telemetry and logging middleware, so those only ever see the redacted exception. Retries are not made here: the
/// SDK's HttpClient retries (see <see cref="ProviderHttpResilience"/>).
/// </summary>
internal sealed partial class ProviderErrorChatClient(IChatClient inner, string providerName, string model, SecretRedactor redactor, ILoggerFactory? loggerFactory)
    : DelegatingChatClient(inner)
{
    private const int MaxDetailLength = 400;
    private readonly ILogger _logger = loggerFactory?.CreateLogger(ProviderHttpResilience.LoggerCategory) ?? NullLogger.Instance;

    /// <summary>The SDK client's metadata, else this provider's name and model (a response cache keys on them).</summary>
    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        base.GetService(serviceType, serviceKey)
        ?? (serviceType == typeof(ChatClientMetadata) && serviceKey is null ? new ChatClientMetadata(providerName, defaultModelId: model) : null);

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var scope = ProviderCallScope.Begin();
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
        {
            throw Map(ex, scope.Attempts, cancellationToken);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var scope = ProviderCallScope.Begin();
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
        {
            throw Map(ex, scope.Attempts, cancellationToken);
        }

        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (!IsCallerCancellation(ex, cancellationToken))
                {
                    throw Map(ex, scope.Attempts, cancellationToken);
                }

                if (!more) yield break;
                yield return enumerator.Current;
            }
        }
    }

    private static bool IsCallerCancellation(Exception ex, CancellationToken ct) => ex is OperationCanceledException && ct.IsCancellationRequested;

    /// <summary>The exception to throw instead of <paramref name="ex"/>: a redacted <see cref="ProviderException"/>, or
    /// <paramref name="ex"/> itself when it is not a provider failure and carries no secret.</summary>
    private Exception Map(Exception ex, int attempts, CancellationToken ct)
    {
        var c = ProviderErrorClassifier.Classify(ex, ct);
        if (!c.IsProviderError)
        {
            LogNonProviderFailure(_logger, providerName, model, ex.GetType().Name, redactor.Redact(ex.Message));
            if (redactor.Contains(ex)) return ToProviderException(ex, attempts);
            ExceptionDispatchInfo.Throw(ex);
        }

        var pe = ToProviderException(ex, attempts);
        LogFailed(_logger, providerName, model, c.StatusCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", pe.Attempts, pe.Message);
        return pe;
    }

    internal ProviderException ToProviderException(Exception ex, int attempts)
    {
        if (ex is ProviderException existing && !redactor.Contains(existing.Message)) return existing;
        var c = ProviderErrorClassifier.Classify(ex, CancellationToken.None);
        var detail = redactor.Redact(ex.Message).ReplaceLineEndings(" ").Trim();
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
        var message = $"Provider '{providerName}' (model '{model}') failed with {what} after {attempts} attempt(s){(c.IsTransient ? " (transient)" : string.Empty)}.{hint} Detail: {detail}";
        // Keep the SDK exception for diagnosis unless something in it carries the key.
        var innerException = redactor.Contains(ex) ? null : ex;
        return new ProviderException(message, providerName, c.StatusCode, c.IsTransient, innerException) { Attempts = attempts };
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Provider {Provider} model {Model} failed (status {StatusCode}) after {Attempts} attempt(s): {Reason}")]
    private static partial void LogFailed(ILogger logger, string provider, string model, string statusCode, int attempts, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Provider {Provider} model {Model}: call failed with {ExceptionType}: {Reason}")]
    private static partial void LogNonProviderFailure(ILogger logger, string provider, string model, string exceptionType, string reason);
}
