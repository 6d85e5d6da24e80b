using Microsoft.Extensions.AI;

namespace LogiLlm.Providers;

/// <summary>
/// Wraps a raw SDK chat client with the standard LogiLlm middleware: OpenTelemetry (source "LogiLlm",
/// sensitive data off), content-free logging, bounded retries of transient failures and
/// secret-free <see cref="ProviderException"/>s. Custom factories (e.g. "local") use it too.
/// </summary>
public static class ProviderPipeline
{
    /// <summary>The ActivitySource / Meter name used by the telemetry middleware.</summary>
    public const string TelemetrySourceName = "LogiLlm";

    /// <summary>Wraps <paramref name="inner"/> with telemetry, logging and retries.</summary>
    /// <param name="inner">The SDK chat client.</param>
    /// <param name="providerName">Provider name used in logs and errors.</param>
    /// <param name="model">Model id used in logs and errors.</param>
    /// <param name="options">Retry, logging and telemetry settings; its API key is only used for redaction.</param>
    public static IChatClient Wrap(IChatClient inner, string providerName, string model, ProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        return Wrap(inner, providerName, model, options, new SecretRedactor(options.ApiKey));
    }

    internal static IChatClient Wrap(IChatClient inner, string providerName, string model, ProviderOptions options, SecretRedactor redactor)
    {
        var builder = new ChatClientBuilder(inner);
        if (options.EnableTelemetry)
        {
            // Outermost: one span per logical call, covering all retries.
            builder.UseOpenTelemetry(options.LoggerFactory, TelemetrySourceName, c => c.EnableSensitiveData = false);
        }
        builder.Use(client => new ResilientChatClient(client, providerName, model, options, redactor));
        return builder.Build();
    }
}
