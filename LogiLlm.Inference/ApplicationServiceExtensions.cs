using LogiLlm.Hosting;
using LogiLlm.Inference.Modules;
using LogiLlm.Inference.Predictions;
using LogiLlm.LocalModel;
using LogiLlm.Providers;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using LogiLlm.Registry;
using Microsoft.Extensions.Options;

namespace LogiLlm.Inference;

/// <summary>The inference service's own services.</summary>
public static class ApplicationServiceExtensions
{
    /// <summary>Registers the provider, the trainer client and the module cache.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LlmSettings>().BindConfiguration(LlmSettings.SectionName);
        // "local" (the offline embedding model) is the default provider when no LLM is configured.
        // The model client, Microsoft.Extensions.AI style: AddChatClient(provider) + telemetry and logging middleware.
        // Deterministic calls are answered from the shared response cache first (Redis, memory in front): outermost, so a
        // cached answer is no model call in the telemetry.
        builder.Services.AddLogiLlmConfiguredProvider(sp => sp.GetRequiredService<IOptions<LlmSettings>>().Value)
            .UseSharedResponseCache(builder)
            .UseLogiLlmTelemetryAndLogging();
        // Load warnings (version, provider mismatch) of the modules it serves reach the service's logs.
        builder.Services.AddLogiLlmPersistenceLogging();
        // With ModuleSigning:Key (the secret parameter module-signing-key), only versions signed with it are served.
        builder.Services.AddOptions<ModuleSigningSettings>().BindConfiguration(ModuleSigningSettings.SectionName);
        builder.Services.AddLogiLlmModuleSigning();

        // The one place the trainer client is created (handlers such as credentials go here).
        builder.Services.AddHttpClient<TrainerClient>(client =>
            client.BaseAddress = new Uri(builder.Configuration["Trainer:BaseAddress"] ?? "http://trainer"))
            .AddLogiLlmAdminCredential();

        // Modules baked into the deployment (Inference:ModulesPath) are loaded at start-up and asked first.
        builder.Services.AddOptions<InferenceOptions>().BindConfiguration(InferenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<BakedModules>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BakedModules>());
        builder.AddModuleCache();
        builder.Services.AddSingleton(sp => new LoadedModules(sp.GetRequiredService<IOptions<ModuleCacheOptions>>().Value.MaxLoadedModules));
        builder.Services.AddSingleton<ModuleResolver>();
        builder.Services.AddHostedService<ModuleCacheResync>();
        builder.Services.AddExceptionProblemMapper<InferenceProblemMapper>();
        builder.Services.AddSingleton<PredictionService>();
        builder.Services.AddHealthChecks().AddCheck<CacheHealthCheck>("cache", failureStatus: HealthStatus.Degraded);
        return builder;
    }
}
