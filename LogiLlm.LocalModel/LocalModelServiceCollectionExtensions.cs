using LogiLlm.Providers;
using LogiLlm.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

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

    /// <summary>
    /// Adds the provider registry with the "local" factory, and the <see cref="Provider"/> a service calls, created
    /// from <paramref name="settings"/> (provider, model, endpoint, key; <c>local</c> when none is configured).
    /// </summary>
    public static IServiceCollection AddLogiLlmConfiguredProvider(this IServiceCollection services, Func<IServiceProvider, LlmSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddLogiLlmProviders((_, registry) => LocalModelProvider.Register(registry));
        services.TryAddSingleton(sp => settings(sp).CreateProvider(sp.GetRequiredService<ProviderRegistry>(), sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }
}
