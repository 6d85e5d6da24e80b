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

    /// <summary>The default model: MiniLM sentence embeddings + label prototypes and nearest demos.</summary>
    public const string DefaultModelId = "local-minilm-knn";

    /// <summary>The same classifier over Snowflake arctic-embed-xs embeddings (choose with <c>llm-model</c>).</summary>
    public const string ArcticModelId = "local-arctic-xs-knn";

    /// <summary>The models <c>llm-model</c> may name for this provider, default first.</summary>
    public static IReadOnlyList<string> ModelIds { get; } = [DefaultModelId, ArcticModelId];

    /// <summary>Class name saved in module files.</summary>
    public const string ProviderClass = "LocalModelProvider";

    /// <summary>Registers the "local" factory with <paramref name="registry"/> (creates no provider).</summary>
    public static void Register(ProviderRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.RegisterFactory(ProviderName, Create);
    }

    /// <summary>
    /// Creates the provider. <paramref name="model"/> is null (<see cref="DefaultModelId"/>) or one of <see cref="ModelIds"/>;
    /// <see cref="ProviderOptions.ChatClient"/>, when set, replaces the local client (tests).
    /// </summary>
    /// <exception cref="ProviderException">Another model name was asked for.</exception>
    public static Provider Create(string? model, ProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = string.IsNullOrWhiteSpace(model) ? DefaultModelId : ModelIds.FirstOrDefault(m => string.Equals(m, model.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ProviderException($"The local provider has the models {string.Join(", ", ModelIds.Select(m => $"'{m}'"))}, not '{model}'.", ProviderName);

        IChatClient raw = options.ChatClient ?? new LocalChatClient(OptionsFor(id));
        var client = ProviderPipeline.Wrap(raw, ProviderName, id, options);
        return new Provider(ProviderName, id, client, options.Config.AsReadOnly(), ProviderClass);
    }

    /// <summary>Client settings for model <paramref name="modelId"/> (one of <see cref="ModelIds"/>).</summary>
    public static LocalModelOptions OptionsFor(string modelId) => new()
    {
        ModelId = modelId,
        Network = string.Equals(modelId, ArcticModelId, StringComparison.OrdinalIgnoreCase) ? EmbeddingNetwork.ArcticXs : EmbeddingNetwork.MiniLM,
    };
}
