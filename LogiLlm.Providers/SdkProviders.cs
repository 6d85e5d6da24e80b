using System.ClientModel;
using System.ClientModel.Primitives;
using Anthropic;
using Microsoft.Extensions.AI;
using OpenAI;

namespace LogiLlm.Providers;

/// <summary>
/// The SDK providers of every <see cref="ProviderRegistry"/> with built-ins: "openai", "azure-openai" (also "azure"),
/// "openai-compatible" and "anthropic", plus "mock" with the standard middleware. A registry finds
/// <see cref="Register"/> by name, so referencing this assembly is enough.
/// </summary>
public static class SdkProviders
{
    public const string OpenAI = "openai";
    public const string AzureOpenAI = "azure-openai";
    public const string OpenAICompatible = "openai-compatible";
    public const string Anthropic = "anthropic";
    public const string Mock = "mock";

    public const string DefaultOpenAIModel = "gpt-4.1";
    public const string DefaultAnthropicModel = "claude-sonnet-4-5";
    public const int DefaultAnthropicMaxOutputTokens = 4096;

    /// <summary>Registers the SDK factories with <paramref name="registry"/>, reading keys through <paramref name="environment"/>.</summary>
    public static void Register(ProviderRegistry registry, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(environment);
        registry.RegisterFactory(OpenAI, (model, o) => CreateOpenAI(OpenAI, model, o, environment));
        registry.RegisterFactory(AzureOpenAI, (model, o) => CreateOpenAI(AzureOpenAI, model, o, environment));
        registry.RegisterFactory("azure", (model, o) => CreateOpenAI(AzureOpenAI, model, o, environment));
        registry.RegisterFactory(OpenAICompatible, (model, o) => CreateOpenAI(OpenAICompatible, model, o, environment));
        registry.RegisterFactory(Anthropic, (model, o) => CreateAnthropic(model, o, environment));
        registry.RegisterFactory(Mock, CreateMock);
    }

    /// <summary>Registers the SDK factories, reading keys from the process environment.</summary>
    public static ProviderRegistry AddSdkProviders(this ProviderRegistry registry)
    {
        Register(registry, Environment.GetEnvironmentVariable);
        return registry;
    }

    private static Provider CreateOpenAI(string name, string? model, ProviderOptions o, Func<string, string?> env)
    {
        Uri? endpoint = o.Endpoint;
        string key;
        switch (name)
        {
            case AzureOpenAI:
                endpoint ??= TryUri(env("AZURE_OPENAI_ENDPOINT"));
                if (endpoint is null)
                    throw new ProviderException("Provider 'azure-openai' needs an endpoint: set ProviderOptions.Endpoint or AZURE_OPENAI_ENDPOINT (e.g. https://my-resource.openai.azure.com/).", name);
                if (string.IsNullOrWhiteSpace(model))
                    throw new ProviderException("Provider 'azure-openai' needs the deployment name as the model.", name);
                endpoint = AzureV1Endpoint(endpoint);
                key = RequireKey(name, o.ApiKey ?? Env(env, o.ApiKeyEnvironmentVariable ?? "AZURE_OPENAI_API_KEY"), o.ApiKeyEnvironmentVariable ?? "AZURE_OPENAI_API_KEY");
                break;
            case OpenAICompatible:
                if (endpoint is null)
                    throw new ProviderException("Provider 'openai-compatible' needs ProviderOptions.Endpoint (e.g. http://localhost:8000/v1).", name);
                if (string.IsNullOrWhiteSpace(model))
                    throw new ProviderException("Provider 'openai-compatible' needs a model name.", name);
                // Never send OPENAI_API_KEY to a third-party endpoint implicitly; many local servers need no key.
                key = o.ApiKey ?? Env(env, o.ApiKeyEnvironmentVariable) ?? "no-key";
                break;
            default:
                key = RequireKey(name, o.ApiKey ?? Env(env, o.ApiKeyEnvironmentVariable ?? "OPENAI_API_KEY"), o.ApiKeyEnvironmentVariable ?? "OPENAI_API_KEY");
                break;
        }

        model = string.IsNullOrWhiteSpace(model) ? DefaultOpenAIModel : model;
        var clientOptions = new OpenAIClientOptions
        {
            // Retries and timeouts belong to the HttpClient's resilience pipeline, so MaxRetries means what it says.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = ProviderHttpResilience.SdkTimeout(o),
            Transport = new HttpClientPipelineTransport(ProviderHttpResilience.CreateHttpClient(name, model, o)),
        };
        if (endpoint is not null) clientOptions.Endpoint = endpoint;
        if (name == AzureOpenAI) clientOptions.AddPolicy(new ApiKeyHeaderPolicy("api-key", key), PipelinePosition.PerCall);

        IChatClient raw = new OpenAIClient(new ApiKeyCredential(key), clientOptions).GetChatClient(model).AsIChatClient();
        return Build(name, model, raw, o, key, endpoint);
    }

    private static Provider CreateAnthropic(string? model, ProviderOptions o, Func<string, string?> env)
    {
        var envName = o.ApiKeyEnvironmentVariable ?? "ANTHROPIC_API_KEY";
        var key = RequireKey(Anthropic, o.ApiKey ?? Env(env, envName), envName);
        model = string.IsNullOrWhiteSpace(model) ? DefaultAnthropicModel : model;
        var clientOptions = new global::Anthropic.Core.ClientOptions
        {
            ApiKey = key,
            MaxRetries = 0, // retries belong to the HttpClient's resilience pipeline
            Timeout = ProviderHttpResilience.SdkTimeout(o),
            HttpClient = ProviderHttpResilience.CreateHttpClient(Anthropic, model, o),
        };
        if (o.Endpoint is not null) clientOptions.BaseUrl = o.Endpoint.ToString().TrimEnd('/');

        var maxTokens = o.DefaultMaxOutputTokens ?? DefaultAnthropicMaxOutputTokens;
        IChatClient raw = new AnthropicSamplingChatClient(new AnthropicClient(clientOptions).AsIChatClient(model, maxTokens), model, maxTokens);
        return Build(Anthropic, model, raw, o, key, o.Endpoint);
    }

    private static Provider CreateMock(string? model, ProviderOptions o)
    {
        model = string.IsNullOrWhiteSpace(model) ? BuiltInProviders.DefaultMockModel : model;
        var raw = o.ChatClient ?? new MockChatClient(model);
        return Build(Mock, model, raw, o, o.ApiKey, endpoint: null);
    }

    private static Provider Build(string name, string model, IChatClient raw, ProviderOptions o, string? key, Uri? endpoint)
    {
        var client = ProviderPipeline.Wrap(raw, name, model, o, new SecretRedactor(key, o.ApiKey));
        return new Provider(name, model, client, BuiltInProviders.SafeProviderConfig(o, endpoint));
    }

    private static string RequireKey(string provider, string? key, string envName) =>
        string.IsNullOrWhiteSpace(key)
            ? throw new ProviderException($"No API key for provider '{provider}'. Set ProviderOptions.ApiKey or the {envName} environment variable.", provider)
            : key;

    private static string? Env(Func<string, string?> env, string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : env(name) is { Length: > 0 } v ? v : null;

    private static Uri? TryUri(string? s) => Uri.TryCreate(s, UriKind.Absolute, out var u) ? u : null;

    /// <summary>Azure OpenAI's v1 API lives at {resource}/openai/v1/ and speaks the plain OpenAI protocol.</summary>
    internal static Uri AzureV1Endpoint(Uri endpoint)
    {
        var s = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (s.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase)) return new Uri(s + "/");
        if (s.EndsWith("/openai", StringComparison.OrdinalIgnoreCase)) return new Uri(s + "/v1/");
        return new Uri(s + "/openai/v1/");
    }

    /// <summary>Adds the key as a header (Azure's "api-key") on every request.</summary>
    private sealed class ApiKeyHeaderPolicy(string header, string key) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set(header, key);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set(header, key);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }
    }
}
