using System.Diagnostics;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LogiLlm.LocalModel.Tests;

/// <summary>In the local-model collection: tests there count shared-embedder work and must not overlap with model calls.</summary>
[Collection(LocalModelCollection.Name)]
public class LocalModelProviderTests
{
    [Fact]
    public void AddLocalModel_registers_the_local_factory_and_a_default_provider()
    {
        var registry = new ProviderRegistry(registerBuiltIns: false);

        var provider = registry.AddLocalModel();

        Assert.True(registry.HasFactory("local"));
        Assert.Same(provider, registry.DefaultProvider);
        Assert.Equal("local", provider.Name);
        Assert.Equal("local-minilm-knn", provider.Model);
        Assert.Equal("LocalModelProvider", provider.ProviderClass);
        Assert.Equal("local", provider.Client.GetService<ChatClientMetadata>()?.ProviderName);
        Assert.NotNull(provider.Client.GetService<LocalChatClient>());
    }

    [Fact]
    public void A_provider_made_default_later_takes_over_from_the_local_model()
    {
        var registry = new ProviderRegistry();
        registry.AddLocalModel();

        registry.CreateAndRegister("mock", setDefault: true);

        Assert.Equal("mock", registry.DefaultProvider?.Name);
        Assert.Equal("local", registry.Get("local").Name);
    }

    [Fact]
    public void Create_rejects_another_model_name()
    {
        var registry = new ProviderRegistry(registerBuiltIns: false);
        LocalModelProvider.Register(registry);

        var e = Assert.Throws<ProviderException>(() => registry.CreateProvider("local", "gpt-4.1"));

        Assert.Contains("local-minilm-knn", e.Message);
    }

    [Fact]
    public void AddLogiLlmLocalModel_makes_the_local_model_the_default_provider_of_the_container()
    {
        using var services = new ServiceCollection().AddLogiLlmLocalModel().BuildServiceProvider();

        var registry = services.GetRequiredService<ProviderRegistry>();

        Assert.Equal("local", registry.DefaultProvider?.Name);
    }

    [Fact]
    public async Task Calls_go_through_the_telemetry_pipeline()
    {
        var registry = new ProviderRegistry(registerBuiltIns: false);
        var provider = registry.AddLocalModel(options: new ProviderOptions { ChatClient = new LocalChatClient() });
        var activities = new System.Collections.Concurrent.ConcurrentBag<Activity>();
        using var testSource = new ActivitySource("LogiLlm.LocalModel.Tests");
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ProviderPipeline.TelemetrySourceName || s.Name == testSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var module = new Predict(SampleDatasets.EmailsSignature) { Provider = provider };
        ActivityTraceId trace;
        using (var parent = testSource.StartActivity("test"))
        {
            trace = parent!.TraceId;
            await module.InvokeAsync(new { email = "My invoice shows a fee I never agreed to." });
        }

        // Other tests may call models concurrently: only spans of this test's trace count.
        var span = Assert.Single(activities, a => a.TraceId == trace && a.Source.Name == ProviderPipeline.TelemetrySourceName);
        Assert.Equal("local-minilm-knn", span.GetTagItem("gen_ai.request.model"));
        Assert.Equal("local", span.GetTagItem("gen_ai.provider.name"));
        Assert.True(Convert.ToInt64(span.GetTagItem("gen_ai.usage.input_tokens"), System.Globalization.CultureInfo.InvariantCulture) > 0);
    }
}
