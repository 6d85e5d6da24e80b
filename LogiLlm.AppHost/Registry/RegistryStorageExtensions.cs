using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogiLlm.AppHost.Registry;

/// <summary>Where the trainer keeps the module registry: a folder, or blob storage (Azurite locally, a storage account when published).</summary>
public static class RegistryStorageExtensions
{
    /// <summary>The resource name, and the trainer's connection string name.</summary>
    public const string ResourceName = "registry-storage";

    /// <summary>
    /// Adds the registry's blob storage when it is wanted: always in publish mode (a secret connection string parameter,
    /// which azd prompts for), and with <c>Registry:Store=blob</c> in a local run (Azurite). Returns null for the file store.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddLogiLlmRegistryStorage(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            // A container's disk is gone at every restart, revision or scale event: deployments keep modules in blob storage.
            return builder.AddConnectionString(ResourceName);
        }

        var store = builder.Configuration["Registry:Store"];
        if (string.IsNullOrWhiteSpace(store) || store.Equals("file", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!store.Equals("blob", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Registry:Store '{store}' is not one of file, blob.");
        }

        return builder.AddAzurite(ResourceName);
    }

    /// <summary>Points the trainer at the registry storage (or leaves it on its folder when <paramref name="storage"/> is null).</summary>
    public static IResourceBuilder<ProjectResource> WithRegistryStorage(this IResourceBuilder<ProjectResource> trainer, IResourceBuilder<IResourceWithConnectionString>? storage)
    {
        if (storage is null)
        {
            trainer.WithEnvironment("Registry__Store", "file");
            if (trainer.ApplicationBuilder.Configuration["Registry:Path"] is { Length: > 0 } registryPath)
            {
                trainer.WithEnvironment("Registry__Path", registryPath);
            }

            return trainer;
        }

        return trainer.WithEnvironment("Registry__Store", "blob").WithReference(storage).WaitFor(storage);
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddAzurite(this IDistributedApplicationBuilder builder, string name)
    {
        var toolDirectory = Path.GetFullPath(builder.Configuration["Registry:AzuriteTool"] is { Length: > 0 } tool
            ? tool
            : Path.Combine(builder.AppHostDirectory, "..", "tools", "azurite"));
        var script = Path.Combine(toolDirectory, "node_modules", "azurite", "dist", "src", "blob", "main.js");

        // A stable folder, so the registry survives an AppHost restart (Registry:AzuriteLocation moves it).
        var location = Path.GetFullPath(builder.Configuration["Registry:AzuriteLocation"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(builder.AppHostDirectory, "data", "azurite"));
        Directory.CreateDirectory(location);

        var resource = new AzuriteResource(name, location, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
        var azurite = builder.AddResource(resource)
            .WithEndpoint(name: AzuriteResource.EndpointName, scheme: "http", env: "AZURITE_BLOB_PORT")
            .WithEnvironment("AZURITE_ACCOUNTS", $"{AzuriteResource.AccountName}:{resource.AccountKey}")
            .WithArgs(context =>
            {
                context.Args.Add(script);
                context.Args.Add("--location");
                context.Args.Add(location);
                context.Args.Add("--blobHost");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--blobPort");
                context.Args.Add(resource.BlobEndpoint.Property(EndpointProperty.TargetPort));
                // Azurite's telemetry keeps it alive after SIGTERM; without it, it saves and exits when the AppHost stops it.
                context.Args.Add("--disableTelemetry");
                context.Args.Add("--skipApiVersionCheck");
                context.Args.Add("--disableProductStyleUrl");
                context.Args.Add("--silent");
            });

        if (!File.Exists(script))
        {
            // First use on this machine: install the pinned Azurite from the lock file before starting it.
            var install = builder.AddExecutable($"{name}-install", "npm", toolDirectory, "ci", "--no-audit", "--no-fund", "--loglevel=error")
                .WithParentRelationship(azurite);
            azurite.WaitForCompletion(install);
        }

        var key = $"{name}-listening";
        var check = new AzuriteHealthCheck(resource);
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, _ => check, failureStatus: null, tags: null));
        azurite.WithHealthCheck(key);
        return azurite;
    }
}
