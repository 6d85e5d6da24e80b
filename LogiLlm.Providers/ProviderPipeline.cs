using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Providers;

/// <summary>
/// Builds a provider's chat client the Microsoft.Extensions.AI way, with <see cref="ChatClientBuilder"/>: OpenTelemetry
/// (source <see cref="TelemetrySourceName"/>, sensitive data off) outermost so one span covers the whole call, then
/// logging, then the secret-free error mapping next to the SDK client (whose HttpClient retries transient failures).
/// Custom factories (e.g. "local") use it too.
/// </summary>
public static class ProviderPipeline
{
    /// <summary>The ActivitySource / Meter name used by the telemetry middleware.</summary>
    public const string TelemetrySourceName = LogiLlmTelemetryNames.ModelCalls;

    /// <summary>Wraps <paramref name="inner"/> with telemetry, logging and the error mapping.</summary>
    /// <param name="inner">The SDK chat client.</param>
    /// <param name="providerName">Provider name used in logs and errors.</param>
    /// <param name="model">Model id used in logs and errors.</param>
    /// <param name="options">Logging and telemetry settings; its API key is only used for redaction.</param>
    public static IChatClient Wrap(IChatClient inner, string providerName, string model, ProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        return Wrap(inner, providerName, model, options, new SecretRedactor(options.ApiKey));
    }

    /// <summary>
    /// Adds LogiLlm's telemetry (OpenTelemetry, source <see cref="TelemetrySourceName"/>, no message content) and logging
    /// (the container's or <paramref name="loggerFactory"/>'s) to a builder, e.g. one returned by <c>AddChatClient</c>.
    /// </summary>
    public static ChatClientBuilder UseLogiLlmTelemetryAndLogging(this ChatClientBuilder builder, ILoggerFactory? loggerFactory = null, bool telemetry = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (telemetry)
        {
            builder.UseOpenTelemetry(loggerFactory, TelemetrySourceName, c => c.EnableSensitiveData = false);
        }

        // Null: the container's logger factory (AddChatClient's builder).
        return builder.UseLogging(loggerFactory);
    }

    internal static IChatClient Wrap(IChatClient inner, string providerName, string model, ProviderOptions options, SecretRedactor redactor)
    {
        var builder = new ChatClientBuilder(inner);
        if (options.IncludeMiddleware && options.EnableTelemetry)
        {
            builder.UseOpenTelemetry(options.LoggerFactory, TelemetrySourceName, c => c.EnableSensitiveData = false);
        }

        if (options.IncludeMiddleware && options.LoggerFactory is { } loggerFactory)
        {
            builder.UseLogging(loggerFactory);
        }

        // Innermost: the telemetry and logging above only ever see the redacted exception.
        builder.Use(client => new ProviderErrorChatClient(client, providerName, model, redactor, options.LoggerFactory));
        return builder.Build();
    }
}
