using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>The <c>provider_config</c> of a file: which provider and model a module was optimized with, and its safe parameters.</summary>
/// <param name="Name">Provider name ("openai", "mock", ...).</param>
/// <param name="Model">Model id.</param>
/// <param name="Config">Safe model parameters (credential-free).</param>
/// <param name="ProviderClass">Writer's class name (informational).</param>
public sealed record SavedProviderConfig(string Name, string Model, JsonObject Config, string? ProviderClass);
