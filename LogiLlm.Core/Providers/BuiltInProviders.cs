using System.Reflection;
using System.Text.Json.Nodes;

namespace LogiLlm.Providers;

/// <summary>
/// The factories every <see cref="ProviderRegistry"/> starts with: "mock" from here, and the SDK providers ("openai",
/// "azure-openai", "openai-compatible", "anthropic") from the LogiLlm.Providers assembly when the app ships it. Core
/// references no provider SDK, so the LogiLLM-style <c>new ProviderRegistry().CreateProvider("openai")</c> finds them
/// by this one well-known entry point instead of a compile-time reference.
/// </summary>
internal static class BuiltInProviders
{
    public const string Mock = "mock";
    public const string DefaultMockModel = "mock-model";

    /// <summary>The entry point of LogiLlm.Providers: <c>static void Register(ProviderRegistry, Func&lt;string, string?&gt;)</c>.</summary>
    internal const string SdkProvidersType = "LogiLlm.Providers.SdkProviders, LogiLlm.Providers";

    private static readonly Lazy<Action<ProviderRegistry, Func<string, string?>>?> SdkRegistration = new(FindSdkRegistration);

    public static void RegisterAll(ProviderRegistry registry, Func<string, string?> env)
    {
        registry.RegisterFactory(Mock, CreateMock);
        SdkRegistration.Value?.Invoke(registry, env);
    }

    private static Provider CreateMock(string? model, ProviderOptions o)
    {
        model = string.IsNullOrWhiteSpace(model) ? DefaultMockModel : model;
        return new Provider(Mock, model, o.ChatClient ?? new MockChatClient(model), SafeConfig.Filter(o.Config));
    }

    private static Action<ProviderRegistry, Func<string, string?>>? FindSdkRegistration()
    {
        Type? type;
        try
        {
            type = Type.GetType(SdkProvidersType, throwOnError: false);
        }
        catch (Exception e) when (e is FileLoadException or BadImageFormatException)
        {
            return null;
        }

        var method = type?.GetMethod("Register", BindingFlags.Public | BindingFlags.Static, [typeof(ProviderRegistry), typeof(Func<string, string?>)]);
        return method?.CreateDelegate<Action<ProviderRegistry, Func<string, string?>>>();
    }

    /// <summary>Copies the safe config and the sanitized endpoint into a provider's config.</summary>
    internal static Dictionary<string, JsonNode?> SafeProviderConfig(ProviderOptions o, Uri? endpoint)
    {
        var config = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (k, v) in SafeConfig.Filter(o.Config)) config[k] = v;
        if (endpoint is not null) config["endpoint"] = SafeConfig.SanitizeEndpoint(endpoint);
        return config;
    }
}
