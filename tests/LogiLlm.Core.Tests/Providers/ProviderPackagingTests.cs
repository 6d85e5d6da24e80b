using LogiLlm.Providers;

namespace LogiLlm.Core.Tests.Providers;

/// <summary>Core depends on Microsoft.Extensions.AI's abstractions; the SDKs and the middleware live in LogiLlm.Providers.</summary>
public sealed class ProviderPackagingTests
{
    [Fact]
    public void Core_references_no_provider_SDK_and_no_Microsoft_Extensions_AI_implementation()
    {
        var references = typeof(Provider).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToArray();

        Assert.Contains("Microsoft.Extensions.AI.Abstractions", references);
        Assert.DoesNotContain(references, r => r is "OpenAI" or "Anthropic" or "Microsoft.Extensions.AI" or "Microsoft.Extensions.AI.OpenAI" or "LogiLlm.Providers");
        Assert.DoesNotContain(references, r => r.StartsWith("Polly", StringComparison.Ordinal));
    }

    [Fact]
    public void The_SDK_factories_come_from_the_providers_assembly()
    {
        var registry = ProviderTestKit.IsolatedRegistry();

        Assert.Equal("LogiLlm.Providers", typeof(SdkProviders).Assembly.GetName().Name);
        Assert.Equal(BuiltInProviders.SdkProvidersType, typeof(SdkProviders).FullName + ", LogiLlm.Providers");
        foreach (var name in new[] { "openai", "azure-openai", "openai-compatible", "anthropic" })
            Assert.True(registry.HasFactory(name), name);
    }

    [Fact]
    public void A_registry_without_built_ins_names_where_the_SDK_providers_are()
    {
        var ex = Assert.Throws<ProviderException>(() => new ProviderRegistry(registerBuiltIns: false).CreateProvider("openai"));

        Assert.Contains("Unknown provider 'openai'", ex.Message);
        Assert.Contains("LogiLlm.Providers", ex.Message);
    }
}
