using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace LogiLlm.Persistence;

/// <summary>The <c>provider_config</c> of a file: which provider and model a module was optimized with, and its safe parameters.</summary>
/// <param name="Name">Provider name ("openai", "mock", ...).</param>
/// <param name="Model">Model id.</param>
/// <param name="Config">Safe model parameters (credential-free).</param>
/// <param name="ProviderClass">Writer's class name (informational).</param>
public sealed record SavedProviderConfig(string Name, string Model, JsonObject Config, string? ProviderClass)
{
    // A loaded module that did not set up its provider still remembers the saved one, so that load -> save keeps it.
    private static readonly ConditionalWeakTable<Module, SavedProviderConfig> Remembered = new();

    /// <summary>The provider config a module was loaded with (null if none, or if the module was not loaded from a file).</summary>
    public static SavedProviderConfig? Of(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Remembered.TryGetValue(module, out var saved) ? saved : null;
    }

    internal static void Remember(Module module, SavedProviderConfig config) => Remembered.AddOrUpdate(module, config);

    /// <summary>Carries the remembered provider config over to a copy (for <c>Module.Clone</c>), so a clone saves it too.</summary>
    internal static void CopyRemembered(Module from, Module to)
    {
        if (Remembered.TryGetValue(from, out var saved))
        {
            Remembered.AddOrUpdate(to, saved);
        }
    }
}
