using LogiLlm.Providers;
using Microsoft.Extensions.AI;

namespace LogiLlm.LocalModel;

/// <summary>
/// The "local" provider: <see cref="LocalChatClient"/> wrapped with the standard LogiLlm pipeline
/// (<see cref="ProviderPipeline"/>: telemetry, logging, error mapping), so it is a provider like any other.
/// </summary>
public static class LocalModelProvider
{
    /// <summary>Provider name: <c>"local"</c>.</summary>
    public const string ProviderName = "local";

    /// <summary>The one model: MiniLM sentence embeddings + nearest demos.</summary>
    public const string DefaultModelId = "local-minilm-knn";

    /// <summary>Class name saved in module files.</summary>
    public const string ProviderClass = "LocalModelProvider";

    /// <summary>Registers the "local" factory with <paramref name="registry"/> (creates no provider).</summary>
    public static void Register(ProviderRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.RegisterFactory(ProviderName, Create);
    }

    /// <summary>
    /// Creates the provider. <paramref name="model"/> must be null or <see cref="DefaultModelId"/>;
    /// <see cref="ProviderOptions.ChatClient"/>, when set, replaces the local client (tests).
    /// </summary>
    /// <exception cref="ProviderException">Another model name was asked for.</exception>
    public static Provider Create(string? model, ProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(model) && !string.Equals(model, DefaultModelId, StringComparison.OrdinalIgnoreCase))
        {
            throw new ProviderException($"The local provider has one model, '{DefaultModelId}', not '{model}'.", ProviderName);
        }

        IChatClient raw = options.ChatClient ?? new LocalChatClient();
        var client = ProviderPipeline.Wrap(raw, ProviderName, DefaultModelId, options);
        return new Provider(ProviderName, DefaultModelId, client, options.Config.AsReadOnly(), ProviderClass);
    }
}
