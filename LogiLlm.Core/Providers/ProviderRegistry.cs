using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LogiLlm.Providers;

/// <summary>
/// Creates and holds named <see cref="Provider"/> instances. Instance-based and DI friendly;
/// <see cref="Default"/> backs the LogiLLM-style convenience API.
/// </summary>
public sealed class ProviderRegistry
{
    private readonly ConcurrentDictionary<string, Func<string?, ProviderOptions, Provider>> _factories = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Provider> _providers = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _defaultLock = new();
    private Provider? _default;

    /// <summary>Creates a registry with the built-in factories: "mock", and "openai", "azure-openai", "openai-compatible"
    /// and "anthropic" when the app ships the LogiLlm.Providers assembly.</summary>
    public ProviderRegistry() : this(registerBuiltIns: true)
    {
    }

    /// <summary>Creates a registry, optionally without the built-in factories.</summary>
    /// <param name="registerBuiltIns">Whether to register the built-in factories.</param>
    public ProviderRegistry(bool registerBuiltIns) : this(registerBuiltIns, Environment.GetEnvironmentVariable)
    {
    }

    /// <summary>Test seam: reads API keys from <paramref name="environment"/> instead of the process environment.</summary>
    internal ProviderRegistry(bool registerBuiltIns, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (registerBuiltIns) BuiltInProviders.RegisterAll(this, environment);
    }

    /// <summary>The process-wide registry used when a module has no explicit provider and no registry is injected.</summary>
    public static ProviderRegistry Default { get; } = new();

    /// <summary>The default provider: the last one registered with <c>setDefault: true</c>, else the first one registered; null when none.</summary>
    public Provider? DefaultProvider
    {
        get { lock (_defaultLock) return _default; }
        set { lock (_defaultLock) _default = value; }
    }

    /// <summary>Logger factory given to providers created here whose options have none (set by DI registration).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Names of the registered factories.</summary>
    public IReadOnlyCollection<string> FactoryNames => _factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Registered providers.</summary>
    public IReadOnlyCollection<Provider> Providers => _providers.Values.ToArray();

    /// <summary>Registers (or replaces) a factory under <paramref name="name"/>; the factory gets the model (may be null) and options.</summary>
    public void RegisterFactory(string name, Func<string?, ProviderOptions, Provider> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        _factories[name] = factory;
    }

    /// <summary>Whether a factory is registered under <paramref name="name"/>.</summary>
    public bool HasFactory(string name) => _factories.ContainsKey(name);

    /// <summary>Creates a provider with the factory registered under <paramref name="name"/> (does not register it).</summary>
    /// <exception cref="ProviderException">Unknown provider name, or the factory failed (e.g. missing API key).</exception>
    public Provider CreateProvider(string name, string? model = null, ProviderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_factories.TryGetValue(name, out var factory))
        {
            throw new ProviderException(
                $"Unknown provider '{name}'. Known providers: {string.Join(", ", FactoryNames)}. Use RegisterFactory to add one"
                + (HasFactory("openai") ? "." : " (the OpenAI, Azure OpenAI and Anthropic providers come with the LogiLlm.Providers package)."),
                providerName: name);
        }
        options ??= new ProviderOptions();
        if (options.LoggerFactory is null && LoggerFactory is not null)
        {
            // Copy so the caller's options object is not changed behind its back.
            options = options.Clone();
            options.LoggerFactory = LoggerFactory;
        }
        return factory(model, options);
    }

    /// <summary>Registers a provider under its <see cref="Provider.Name"/> (replacing one of the same name).
    /// It becomes the default when <paramref name="setDefault"/> is true or when there is no default yet.</summary>
    public Provider RegisterProvider(Provider provider, bool setDefault = false)
    {
        ArgumentNullException.ThrowIfNull(provider);
        _providers[provider.Name] = provider;
        lock (_defaultLock)
        {
            if (setDefault || _default is null || string.Equals(_default.Name, provider.Name, StringComparison.OrdinalIgnoreCase))
                _default = provider;
        }
        return provider;
    }

    /// <summary>Creates a provider and registers it.</summary>
    public Provider CreateAndRegister(string name, string? model = null, ProviderOptions? options = null, bool setDefault = false) =>
        RegisterProvider(CreateProvider(name, model, options), setDefault);

    /// <summary>Gets a registered provider by name.</summary>
    /// <exception cref="ProviderException">No provider with that name is registered.</exception>
    public Provider Get(string name) =>
        TryGet(name, out var p)
            ? p
            : throw new ProviderException(
                $"No provider named '{name}' is registered. Registered: {(_providers.IsEmpty ? "(none)" : string.Join(", ", _providers.Keys.Order(StringComparer.Ordinal)))}.",
                providerName: name);

    /// <summary>Tries to get a registered provider by name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Provider? provider) =>
        _providers.TryGetValue(name, out provider);

    /// <summary>Removes a registered provider; clears the default if it was that provider.</summary>
    public bool Unregister(string name)
    {
        if (!_providers.TryRemove(name, out var removed)) return false;
        lock (_defaultLock)
        {
            if (ReferenceEquals(_default, removed)) _default = null;
        }
        return true;
    }

    /// <summary>Removes all registered providers (factories stay).</summary>
    public void Clear()
    {
        _providers.Clear();
        lock (_defaultLock) _default = null;
    }
}
