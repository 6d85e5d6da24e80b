using LogiLlm.Hosting;
using LogiLlm.Registry;
using LogiLlm.Trainer.Jobs;
using LogiLlm.Trainer.Registry;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer;

/// <summary>The trainer's own services.</summary>
public static class ApplicationServiceExtensions
{
    /// <summary>Registers the module registry, the change publisher and the training jobs.</summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RegistryOptions>()
            .BindConfiguration(RegistryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<IModuleStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RegistryOptions>>().Value;
            var logger = sp.GetRequiredService<ILogger<RegistryOptions>>();
            if (options.UsesBlobStorage)
            {
                var connectionString = sp.GetRequiredService<IConfiguration>().GetConnectionString(RegistryOptions.StorageConnectionName);
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        $"Registry:Store is 'blob' but ConnectionStrings:{RegistryOptions.StorageConnectionName} is not set.");
                }

                var store = AzureBlobModuleStore.FromConnectionString(connectionString, options.Container);
                logger.LogInformation("Module registry in blob container {RegistryContainer}", store.ContainerUri);
                return store;
            }

            var root = string.IsNullOrWhiteSpace(options.Path)
                ? Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, "data", "registry")
                : Path.GetFullPath(options.Path);
            logger.LogInformation("Module registry at {RegistryPath}", root);
            return new FileSystemModuleStore(root);
        });
        builder.AddModuleCache();
        builder.Services.AddSingleton<ModuleChangePublisher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ModuleChangePublisher>());
        // Load warnings (version, provider mismatch) and save details reach the service's logs.
        builder.Services.AddLogiLlmPersistenceLogging();
        // With ModuleSigning:Key (the secret parameter module-signing-key), every published version is signed.
        builder.Services.AddOptions<ModuleSigningSettings>().BindConfiguration(ModuleSigningSettings.SectionName);
        builder.Services.AddLogiLlmModuleSigning();
        builder.AddTrainingJobs();
        return builder;
    }
}
