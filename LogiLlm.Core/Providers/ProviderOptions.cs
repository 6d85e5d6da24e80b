using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Providers;

/// <summary>
/// Options used to create a <see cref="Provider"/>. The API key is a secret: it is never logged,
/// traced, serialized, or shown by <see cref="ToString"/>.
/// </summary>
public sealed class ProviderOptions
{
    /// <summary>API key; when null the provider's environment variable is read
    /// (OPENAI_API_KEY, AZURE_OPENAI_API_KEY or ANTHROPIC_API_KEY).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Name of the environment variable to read the key from instead of the provider's default
    /// (for "openai-compatible" there is no default: OPENAI_API_KEY is never sent to another endpoint implicitly).</summary>
    public string? ApiKeyEnvironmentVariable { get; set; }

    /// <summary>Default maximum output tokens when the call does not set one (Anthropic requires a value; default 4096).</summary>
    public int? DefaultMaxOutputTokens { get; set; }

    /// <summary>Service endpoint. Required for "openai-compatible" and "azure-openai";
    /// optional override for "openai" and "anthropic".</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Azure OpenAI API version (only used by "azure-openai" when the endpoint is not a v1 endpoint).</summary>
    public string? ApiVersion { get; set; }

    /// <summary>Extra non-secret configuration copied into <see cref="Provider.Config"/>.</summary>
    public IDictionary<string, JsonNode?> Config { get; set; } = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

    /// <summary>How many times a transient failure (HTTP 408/429/5xx, timeout, network error) is retried. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Delay before the first retry; grows exponentially (with jitter) on every further retry. Default 500 ms.
    /// A <c>Retry-After</c> the server sends replaces it (bounded by <see cref="RetryMaxDelay"/>).</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Upper bound of a single retry delay. Default 30 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one attempt (null = 3 minutes: a long completion is not a failure).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Timeout of the whole call, every retry and delay included (null = 10 minutes, at least one attempt's timeout).</summary>
    public TimeSpan? TotalTimeout { get; set; }

    /// <summary>The clock of retry delays and timeouts (null = <see cref="TimeProvider.System"/>; tests pass a fake one).</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Whether the provider's client includes the telemetry and logging middleware (default true). False when the caller
    /// composes them itself, e.g. <c>services.AddChatClient(provider.Client).UseOpenTelemetry().UseLogging()</c>; the
    /// transport (SDK, HTTP retries) and the secret-free error mapping are always there.
    /// </summary>
    public bool IncludeMiddleware { get; set; } = true;

    /// <summary>Logger factory for the logging middleware (null = no logging).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Whether to add the OpenTelemetry middleware (source "LogiLlm", sensitive data off). Default true.</summary>
    public bool EnableTelemetry { get; set; } = true;

    /// <summary>Custom HTTP handler for the SDK transport (tests, proxies). Not owned by the provider.</summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Ready-made chat client to wrap instead of building one from an SDK (used by "mock" and by custom factories).</summary>
    public Microsoft.Extensions.AI.IChatClient? ChatClient { get; set; }

    /// <summary>Shallow copy with its own <see cref="Config"/> dictionary.</summary>
    public ProviderOptions Clone()
    {
        var copy = (ProviderOptions)MemberwiseClone();
        copy.Config = new Dictionary<string, JsonNode?>(Config.Select(kv => new KeyValuePair<string, JsonNode?>(kv.Key, kv.Value?.DeepClone())), StringComparer.Ordinal);
        return copy;
    }

    /// <summary>Never shows the API key.</summary>
    public override string ToString() =>
        $"ProviderOptions {{ Endpoint = {(Endpoint is null ? "(default)" : SafeConfig.SanitizeEndpoint(Endpoint))}, ApiKey = {(ApiKey is null ? "(unset)" : "***")}, MaxRetries = {MaxRetries} }}";
}
