using LogiLlm.Providers;
using Microsoft.Extensions.DependencyInjection;

namespace LogiLlm.LocalModel;

/// <summary>Registers the local model with a service collection.</summary>
public static class LocalModelServiceCollectionExtensions
{
    /// <summary>
    /// Adds the LogiLlm provider registry (see <see cref="ProviderServiceCollectionExtensions.AddLogiLlmProviders"/>)
    /// with the "local" factory and provider (see <see cref="LocalModelRegistryExtensions.AddLocalModel"/>): the default
    /// provider unless <paramref name="setDefault"/> is false and another provider is made the default.
    /// </summary>
    public static IServiceCollection AddLogiLlmLocalModel(this IServiceCollection services, bool setDefault = false)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddLogiLlmProviders((_, registry) => registry.AddLocalModel(setDefault));
    }
}
