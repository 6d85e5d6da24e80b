using LogiLlm.Hosting;
using LogiLlm.LocalModel;
using LogiLlm.Providers;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer.Jobs;

/// <summary>Registers the training job queue, its worker and the provider training runs on.</summary>
public static class TrainingJobServiceExtensions
{
    /// <summary>Adds the job store, validation, the runner and a <see cref="TrainingJobWorker"/> (options: <c>TrainingJobs</c>, <c>Llm</c>).</summary>
    public static IHostApplicationBuilder AddTrainingJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrainingJobOptions>()
            .BindConfiguration(TrainingJobOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<LlmSettings>().BindConfiguration(LlmSettings.SectionName);

        // The request contract is read as declared: numbers are JSON numbers, and the optimizer's "type" may stand anywhere.
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
            o.SerializerOptions.AllowOutOfOrderMetadataProperties = true;
        });
        builder.Services.ConfigureAll<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(o => o.AddSchemaTransformer<LogiLlm.Trainer.Apis.OptimizerDefaultsSchemaTransformer>());
        builder.Services.TryAddSingleton(TimeProvider.System);
        // The model client, Microsoft.Extensions.AI style: AddChatClient(provider) + telemetry and logging middleware.
        // Deterministic calls (temperature 0, or config cache: true) share answers with inference through the response cache.
        builder.Services.AddLogiLlmConfiguredProvider(sp => sp.GetRequiredService<IOptions<LlmSettings>>().Value)
            .UseSharedResponseCache(builder)
            .UseLogiLlmTelemetryAndLogging();

        builder.Services.TryAddSingleton<ISampleDatasets, SampleDatasetCatalog>();
        builder.Services.TryAddSingleton<ITrainingRunner, OptimizerTrainingRunner>();
        builder.Services.AddSingleton<TrainingMetrics>();
        builder.Services.AddSingleton<TrainingJobRedis>();
        builder.Services.AddSingleton<TrainingJobStore>();
        builder.Services.AddSingleton<TrainingJobLeases>();
        builder.Services.AddSingleton<TrainingJobValidator>();
        builder.Services.AddSingleton<LogiLlm.Trainer.Apis.EventStreamSlots>();
        builder.Services.AddSingleton<TrainingJobWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TrainingJobWorker>());
        // Tagged "live": a worker whose slots stopped polling is a replica to restart (/alive), not just degraded.
        builder.Services.AddHealthChecks().AddCheck<TrainingWorkerHealthCheck>("training-worker", tags: ["live"]);
        return builder;
    }
}
