using LogiLlm.Providers;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Hosting;

/// <summary>
/// The model a service calls, as the AppHost hands it over (<c>Llm</c> section: provider, model, endpoint and
/// the API key, which comes from a secret parameter and lives only in memory).
/// </summary>
public sealed class LlmSettings
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Llm";

    /// <summary>The provider used when none is configured: the offline embedding model of <c>LogiLlm.LocalModel</c>.</summary>
    public const string DefaultProvider = "local";

    /// <summary>Provider name: <c>local</c> (default), <c>mock</c>, <c>openai</c>, <c>azure-openai</c>, <c>openai-compatible</c>, <c>anthropic</c>.</summary>
    public string Provider { get; set; } = DefaultProvider;

    /// <summary>Model id; empty takes the provider's default.</summary>
    public string? Model { get; set; }

    /// <summary>Endpoint for Azure OpenAI or an OpenAI-compatible server; empty for the provider's default.</summary>
    public string? Endpoint { get; set; }

    /// <summary>API key. Never logged, never saved, never returned.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Creates the configured provider through <paramref name="registry"/>.</summary>
    /// <param name="registry">The registry whose factory builds it.</param>
    /// <param name="loggerFactory">Logging of the provider's calls.</param>
    /// <param name="configure">Further options (clock, middleware), applied last.</param>
    /// <exception cref="InvalidOperationException">The endpoint is not an absolute http(s) URL.</exception>
    public Provider CreateProvider(ProviderRegistry registry, ILoggerFactory? loggerFactory = null, Action<ProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Uri? endpoint = null;
        if (!string.IsNullOrWhiteSpace(Endpoint)
            && (!Uri.TryCreate(Endpoint, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            throw new InvalidOperationException($"Llm:Endpoint '{Endpoint}' is not an absolute http(s) URL.");
        }

        var name = string.IsNullOrWhiteSpace(Provider) ? DefaultProvider : Provider.Trim();
        var options = new ProviderOptions
        {
            ApiKey = string.IsNullOrWhiteSpace(ApiKey) ? null : ApiKey,
            Endpoint = endpoint,
            LoggerFactory = loggerFactory,
        };
        configure?.Invoke(options);
        return registry.CreateProvider(name, string.IsNullOrWhiteSpace(Model) ? null : Model.Trim(), options);
    }

    /// <inheritdoc />
    public override string ToString() => $"LlmSettings(provider={Provider}, model={Model}, endpoint={Endpoint}, key={(string.IsNullOrEmpty(ApiKey) ? "none" : "***")})";
}
