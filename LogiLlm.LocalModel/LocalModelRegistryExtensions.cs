using LogiLlm.Providers;

namespace LogiLlm.LocalModel;

/// <summary>Adds the local model to a <see cref="ProviderRegistry"/>.</summary>
public static class LocalModelRegistryExtensions
{
    /// <summary>
    /// Registers the "local" factory and a "local" provider. The provider becomes the registry's default when
    /// <paramref name="setDefault"/> is true or when the registry has no default yet (so an app without an API
    /// key runs offline); a provider registered later with <c>setDefault: true</c> takes over.
    /// </summary>
    /// <returns>The registered provider.</returns>
    public static Provider AddLocalModel(this ProviderRegistry registry, bool setDefault = false, ProviderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        LocalModelProvider.Register(registry);
        return registry.CreateAndRegister(LocalModelProvider.ProviderName, null, options, setDefault);
    }
}
