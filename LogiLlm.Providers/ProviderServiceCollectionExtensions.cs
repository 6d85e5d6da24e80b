using LogiLlm.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Providers;

/// <summary>Registers LogiLlm providers with a service collection.</summary>
public static class ProviderServiceCollectionExtensions
{
    /// <summary>
    /// Adds a singleton <see cref="ProviderRegistry"/> (its own instance, not <see cref="ProviderRegistry.Default"/>)
    /// that hands the container's <see cref="ILoggerFactory"/> to the providers it creates.
    /// May be called several times; every <paramref name="configure"/> runs, in order, when the registry is first resolved.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional setup, e.g. registering factories or a default provider.</param>
    public static IServiceCollection AddLogiLlmProviders(this IServiceCollection services, Action<IServiceProvider, ProviderRegistry>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (configure is not null) services.AddSingleton(new RegistrySetup(configure));
        services.TryAddSingleton(sp =>
        {
            var registry = new ProviderRegistry { LoggerFactory = sp.GetService<ILoggerFactory>() };
            foreach (var setup in sp.GetServices<RegistrySetup>()) setup.Configure(sp, registry);
            return registry;
        });
        return services;
    }

    /// <summary>
    /// Adds the registry (see <see cref="AddLogiLlmProviders"/>), creates a provider with <paramref name="name"/>,
    /// registers it as the registry's default and exposes it (and its <see cref="IChatClient"/>) as singletons.
    /// </summary>
    public static IServiceCollection AddLogiLlmProvider(this IServiceCollection services, string name, string? model = null, Func<IServiceProvider, ProviderOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        services.AddLogiLlmProviders((sp, registry) =>
            registry.RegisterProvider(registry.CreateProvider(name, model, options?.Invoke(sp)), setDefault: true));
        services.TryAddSingleton(sp => sp.GetRequiredService<ProviderRegistry>().DefaultProvider
            ?? throw new InvalidOperationException("The LogiLlm provider registry has no default provider."));
        services.TryAddSingleton(sp => sp.GetRequiredService<Provider>().Client);
        return services;
    }

    /// <summary>
    /// Registers the <see cref="IChatClient"/> a service calls with <c>AddChatClient</c>: the provider configured by
    /// <paramref name="settings"/> (SDK client, HTTP retries on the container's <see cref="TimeProvider"/>, secret-free
    /// errors), without middleware, so the caller adds it on the returned builder the Microsoft.Extensions.AI way
    /// (<see cref="ProviderPipeline.UseLogiLlmTelemetryAndLogging"/>, or <c>UseOpenTelemetry()</c> and <c>UseLogging()</c>).
    /// Also registers the <see cref="Provider"/> (name, model, safe config) around that built client.
    /// </summary>
    public static ChatClientBuilder AddLogiLlmChatClient(this IServiceCollection services, Func<IServiceProvider, LlmSettings> settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddLogiLlmProviders();
        services.TryAddSingleton(sp => new ConfiguredProvider(settings(sp).CreateProvider(
            sp.GetRequiredService<ProviderRegistry>(),
            sp.GetService<ILoggerFactory>(),
            o =>
            {
                o.IncludeMiddleware = false;
                o.TimeProvider = sp.GetService<TimeProvider>();
            })));
        services.TryAddSingleton(sp =>
        {
            var bare = sp.GetRequiredService<ConfiguredProvider>().Provider;
            return new Provider(bare.Name, bare.Model, sp.GetRequiredService<IChatClient>(), bare.Config, bare.ProviderClass);
        });
        return services.AddChatClient(sp => sp.GetRequiredService<ConfiguredProvider>().Provider.Client);
    }

    private sealed record RegistrySetup(Action<IServiceProvider, ProviderRegistry> Configure);

    /// <summary>The configured provider before the middleware of <c>AddChatClient</c>'s builder.</summary>
    private sealed record ConfiguredProvider(Provider Provider);
}
