using System.Text.Json.Nodes;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using static LogiLlm.Core.Tests.Providers.ProviderTestKit;

namespace LogiLlm.Core.Tests.Providers;

public sealed class ProviderRegistryTests
{
    private static Provider FakeProvider(string name, string model = "m") => new(name, model, new NullChatClient());

    [Fact]
    public void Built_in_factories_are_registered()
    {
        var registry = IsolatedRegistry();
        foreach (var name in new[] { "openai", "azure-openai", "openai-compatible", "anthropic", "mock" })
            Assert.True(registry.HasFactory(name), name);
    }

    [Fact]
    public void Unknown_provider_name_gives_a_clear_error_listing_known_names()
    {
        var ex = Assert.Throws<ProviderException>(() => IsolatedRegistry().CreateProvider("gemini-pro-max"));

        Assert.Contains("Unknown provider 'gemini-pro-max'", ex.Message);
        Assert.Contains("openai", ex.Message);
        Assert.Contains("anthropic", ex.Message);
        Assert.Contains("RegisterFactory", ex.Message);
        Assert.Equal("gemini-pro-max", ex.ProviderName);
    }

    [Theory]
    [InlineData("openai", "OPENAI_API_KEY")]
    [InlineData("anthropic", "ANTHROPIC_API_KEY")]
    public void Missing_key_names_the_environment_variable(string name, string envVar)
    {
        var ex = Assert.Throws<ProviderException>(() => IsolatedRegistry().CreateProvider(name));

        Assert.Contains(envVar, ex.Message);
        Assert.Contains("ProviderOptions.ApiKey", ex.Message);
    }

    [Fact]
    public void Azure_needs_an_endpoint_and_a_deployment()
    {
        var registry = IsolatedRegistry();
        var noEndpoint = Assert.Throws<ProviderException>(() => registry.CreateProvider("azure-openai", "dep", new ProviderOptions { ApiKey = SecretKey }));
        Assert.Contains("endpoint", noEndpoint.Message, StringComparison.OrdinalIgnoreCase);
        var noModel = Assert.Throws<ProviderException>(() =>
            registry.CreateProvider("azure-openai", null, new ProviderOptions { ApiKey = SecretKey, Endpoint = new Uri("https://res.openai.azure.com/") }));
        Assert.Contains("deployment", noModel.Message);
    }

    [Fact]
    public void Openai_compatible_needs_an_endpoint()
    {
        var ex = Assert.Throws<ProviderException>(() => IsolatedRegistry().CreateProvider("openai-compatible", "m"));
        Assert.Contains("Endpoint", ex.Message);
    }

    [Theory]
    [InlineData("https://res.openai.azure.com", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/openai/", "https://res.openai.azure.com/openai/v1/")]
    [InlineData("https://res.openai.azure.com/openai/v1", "https://res.openai.azure.com/openai/v1/")]
    public void Azure_endpoint_is_normalized_to_the_v1_api(string given, string expected) =>
        Assert.Equal(expected, SdkProviders.AzureV1Endpoint(new Uri(given)).ToString());

    [Fact]
    public void First_registered_provider_becomes_default_and_setDefault_overrides()
    {
        var registry = IsolatedRegistry();
        Assert.Null(registry.DefaultProvider);

        var a = registry.RegisterProvider(FakeProvider("a"));
        Assert.Same(a, registry.DefaultProvider);

        var b = registry.RegisterProvider(FakeProvider("b"));
        Assert.Same(a, registry.DefaultProvider);

        var c = registry.RegisterProvider(FakeProvider("c"), setDefault: true);
        Assert.Same(c, registry.DefaultProvider);
        Assert.Same(b, registry.Get("b"));
        Assert.Equal(3, registry.Providers.Count);
    }

    [Fact]
    public void Re_registering_the_default_name_replaces_the_default()
    {
        var registry = IsolatedRegistry();
        registry.RegisterProvider(FakeProvider("a", "m1"));
        var replacement = registry.RegisterProvider(FakeProvider("a", "m2"));

        Assert.Same(replacement, registry.DefaultProvider);
        Assert.Same(replacement, registry.Get("a"));
    }

    [Fact]
    public void Get_of_an_unregistered_name_is_a_clear_error()
    {
        var registry = IsolatedRegistry();
        registry.RegisterProvider(FakeProvider("a"));

        var ex = Assert.Throws<ProviderException>(() => registry.Get("nope"));

        Assert.Contains("'nope'", ex.Message);
        Assert.Contains("a", ex.Message);
        Assert.False(registry.TryGet("nope", out _));
    }

    [Fact]
    public void Unregister_clears_the_default_when_it_was_that_provider()
    {
        var registry = IsolatedRegistry();
        registry.RegisterProvider(FakeProvider("a"));

        Assert.True(registry.Unregister("a"));
        Assert.Null(registry.DefaultProvider);
        Assert.False(registry.Unregister("a"));
    }

    [Fact]
    public void Registries_are_isolated_from_each_other_and_from_Default()
    {
        var defaultBefore = ProviderRegistry.Default.DefaultProvider;
        var one = IsolatedRegistry();
        var two = IsolatedRegistry();

        one.RegisterProvider(FakeProvider("only-in-one"), setDefault: true);
        one.RegisterFactory("local", (model, _) => FakeProvider("local", model ?? "tiny"));

        Assert.Null(two.DefaultProvider);
        Assert.False(two.TryGet("only-in-one", out _));
        Assert.False(two.HasFactory("local"));
        Assert.False(ProviderRegistry.Default.HasFactory("local"));
        Assert.Same(defaultBefore, ProviderRegistry.Default.DefaultProvider);
    }

    [Fact]
    public void Registered_factory_is_used_by_CreateProvider_with_model_and_options()
    {
        var registry = IsolatedRegistry();
        ProviderOptions? seen = null;
        registry.RegisterFactory("local", (model, options) =>
        {
            seen = options;
            return FakeProvider("local", model ?? "default-local");
        });
        var options = new ProviderOptions { MaxRetries = 1 };

        var p = registry.CreateProvider("LOCAL", "phi-mini", options);

        Assert.Equal("local", p.Name);
        Assert.Equal("phi-mini", p.Model);
        Assert.Same(options, seen);
        Assert.Equal("default-local", registry.CreateProvider("local").Model);
    }

    [Fact]
    public void Mock_provider_wraps_the_given_client_with_default_model()
    {
        var scripted = new NullChatClient();
        var p = IsolatedRegistry().CreateProvider("mock", options: new ProviderOptions { ChatClient = scripted });

        Assert.Equal("mock", p.Name);
        Assert.Equal("mock-model", p.Model);
        Assert.Equal("MockProvider", p.ProviderClass);
        Assert.Same(scripted, p.Client.GetService<NullChatClient>());
    }

    [Fact]
    public async Task Mock_provider_without_a_client_answers_deterministically()
    {
        var p = IsolatedRegistry().CreateProvider("mock");

        var first = await p.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);
        var second = await p.Client.GetResponseAsync([new ChatMessage(ChatRole.User, "hello")]);

        Assert.False(string.IsNullOrEmpty(first.Text));
        Assert.Equal(first.Text, second.Text);
    }

    [Fact]
    public void Created_providers_keep_secrets_out_of_config_and_ToString()
    {
        var options = new ProviderOptions
        {
            ApiKey = SecretKey,
            Endpoint = new Uri("https://user:pw-" + SecretKey + "@llm.example.test/v1?api-key=" + SecretKey),
            Config = new Dictionary<string, JsonNode?>
            {
                ["api_key"] = SecretKey,
                ["Authorization"] = "Bearer " + SecretKey,
                ["client_secret"] = SecretKey,
                ["max_tokens"] = 256,
                ["temperature"] = 0.2,
            },
        };

        var p = IsolatedRegistry().CreateProvider("openai-compatible", "m", options);

        Assert.Equal(256, (int)p.Config["max_tokens"]!);
        Assert.Equal(0.2, (double)p.Config["temperature"]!);
        Assert.False(p.Config.ContainsKey("api_key"));
        Assert.False(p.Config.ContainsKey("Authorization"));
        Assert.False(p.Config.ContainsKey("client_secret"));
        Assert.Equal("https://llm.example.test/v1", (string?)p.Config["endpoint"]);
        var everything = string.Join("|", p.Config.Select(kv => kv.Key + "=" + kv.Value?.ToJsonString()));
        Assert.DoesNotContain(SecretKey, everything);
        Assert.DoesNotContain(SecretKey, p.ToString());
        Assert.DoesNotContain(SecretKey, options.ToString());
        Assert.Contains("***", options.ToString());
    }

    [Fact]
    public void Provider_constructor_filters_secret_config_too()
    {
        var p = new Provider("x", "m", new NullChatClient(), new Dictionary<string, JsonNode?> { ["token"] = SecretKey, ["seed"] = 1 });

        Assert.False(p.Config.ContainsKey("token"));
        Assert.True(p.Config.ContainsKey("seed"));
        Assert.Equal("Provider(x, model=m)", p.ToString());
    }

    [Fact]
    public void Redactor_masks_keys_and_bearer_tokens()
    {
        var r = new SecretRedactor(SecretKey);

        var text = r.Redact($"key {SecretKey} and Authorization: Bearer abcdefghijklmnop and api-key: zzzz9999");

        Assert.DoesNotContain(SecretKey, text);
        Assert.DoesNotContain("abcdefghijklmnop", text);
        Assert.DoesNotContain("zzzz9999", text);
    }

    [Fact]
    public void Default_is_a_single_shared_instance()
    {
        Assert.Same(ProviderRegistry.Default, ProviderRegistry.Default);
        Assert.True(ProviderRegistry.Default.HasFactory("openai"));
    }

    /// <summary>A chat client that is never called over the network.</summary>
    private sealed class NullChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
