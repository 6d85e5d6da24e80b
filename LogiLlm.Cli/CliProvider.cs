using LogiLlm.Hosting;
using LogiLlm.LocalModel;
using LogiLlm.Providers;

namespace LogiLlm.Cli;

/// <summary>
/// The model a command calls, configured exactly like the services (<see cref="LlmSettings"/>: provider, model,
/// endpoint, key). Options win over environment variables; the key comes only from the environment
/// (LOGILLM_LLM_API_KEY, Llm__ApiKey, or the provider's own variable such as OPENAI_API_KEY), never from an argument.
/// </summary>
public static class CliProvider
{
    /// <summary>Environment variable of the provider name.</summary>
    public const string ProviderVariable = "LOGILLM_LLM_PROVIDER";

    /// <summary>Environment variable of the model id.</summary>
    public const string ModelVariable = "LOGILLM_LLM_MODEL";

    /// <summary>Environment variable of the endpoint.</summary>
    public const string EndpointVariable = "LOGILLM_LLM_ENDPOINT";

    /// <summary>Environment variable of the API key.</summary>
    public const string ApiKeyVariable = "LOGILLM_LLM_API_KEY";

    /// <summary>The settings from the options and the environment.</summary>
    public static LlmSettings Settings(string? provider, string? model, string? endpoint, Func<string, string?> env)
    {
        string? First(string? option, string variable, string serviceVariable) =>
            !string.IsNullOrWhiteSpace(option) ? option
            : env(variable) is { Length: > 0 } a ? a
            : env(serviceVariable) is { Length: > 0 } b ? b
            : null;

        return new LlmSettings
        {
            Provider = First(provider, ProviderVariable, "Llm__Provider") ?? LlmSettings.DefaultProvider,
            Model = First(model, ModelVariable, "Llm__Model"),
            Endpoint = First(endpoint, EndpointVariable, "Llm__Endpoint"),
            ApiKey = First(null, ApiKeyVariable, "Llm__ApiKey"),
        };
    }

    /// <summary>Creates the configured provider (the local model is registered, so it works offline).</summary>
    /// <exception cref="CliException">The configuration does not make a provider (unknown name, missing key or endpoint).</exception>
    public static Provider Create(LlmSettings settings)
    {
        var registry = new ProviderRegistry();
        LocalModelProvider.Register(registry);
        try
        {
            return settings.CreateProvider(registry);
        }
        catch (Exception e) when (e is ProviderException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw CliException.BadInput($"provider '{settings.Provider}': {e.Message}");
        }
    }
}
