using LogiLlm.Providers;
using LogiLlm.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.AI;

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
    /// Adds the provider registry with the "local" factory, and registers with <c>AddChatClient</c> the client of the
    /// provider <paramref name="settings"/> configure (provider, model, endpoint, key; <c>local</c> when none is configured)
    /// and the <see cref="Provider"/> around it; add the middleware on the returned builder
    /// (<see cref="ProviderPipeline.UseLogiLlmTelemetryAndLogging"/>).
    /// </summary>
    public static ChatClientBuilder AddLogiLlmConfiguredProvider(this IServiceCollection services, Func<IServiceProvider, LlmSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddLogiLlmProviders((_, registry) => LocalModelProvider.Register(registry));
        return services.AddLogiLlmChatClient(settings);
    }
}
