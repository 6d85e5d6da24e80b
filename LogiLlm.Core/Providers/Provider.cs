using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace LogiLlm.Providers;

/// <summary>
/// A named language-model provider: name + model + safe (secret-free) configuration around a
/// Microsoft.Extensions.AI <see cref="IChatClient"/>.
/// </summary>
public sealed class Provider
{
    /// <summary>Creates a provider over an existing chat client.</summary>
    /// <param name="name">Provider name, e.g. "openai", "anthropic", "mock".</param>
    /// <param name="model">Model id, e.g. "gpt-4.1-mini".</param>
    /// <param name="client">The chat client that performs the calls.</param>
    /// <param name="config">Safe configuration; keys that look like secrets are dropped.</param>
    /// <param name="providerClass">Class name saved in module files (defaults to a name derived from <paramref name="name"/>).</param>
    public Provider(string name, string model, IChatClient client, IReadOnlyDictionary<string, JsonNode?>? config = null, string? providerClass = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(client);
        Name = name;
        Model = model;
        Client = client;
        Config = SafeConfig.Filter(config);
        ProviderClass = providerClass ?? DefaultProviderClass(name);
    }

    /// <summary>Provider name ("openai", "azure-openai", "openai-compatible", "anthropic", "mock", ...).</summary>
    public string Name { get; }

    /// <summary>Model id.</summary>
    public string Model { get; }

    /// <summary>The chat client (already wrapped with telemetry, logging and retry middleware when built by the registry).</summary>
    public IChatClient Client { get; }

    /// <summary>Secret-free configuration (safe to save in a module file).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Config { get; }

    /// <summary>Provider class name as written to module files (e.g. "OpenAIProvider").</summary>
    public string ProviderClass { get; }

    /// <summary>Shows name and model only, never secrets.</summary>
    public override string ToString() => $"Provider({Name}, model={Model})";

    internal static string DefaultProviderClass(string name) => name.ToLowerInvariant() switch
    {
        "openai" => "OpenAIProvider",
        "azure-openai" or "azure" => "AzureOpenAIProvider",
        "openai-compatible" => "OpenAICompatibleProvider",
        "anthropic" => "AnthropicProvider",
        "mock" => "MockProvider",
        _ => name + "Provider",
    };
}
