using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LogiLlm.AppHost.Cache;

/// <summary>Adds the Redis-compatible <c>cache</c> resource in whatever form this machine can run.</summary>
public static class CacheResourceExtensions
{
    /// <summary>
    /// Adds the cache: the Redis container where a container runtime answers (always in publish mode), else a
    /// <c>redis-server</c> from PATH, else the embedded Garnet server. <c>Redis:Mode</c> forces one.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddLogiLlmCache(this IDistributedApplicationBuilder builder, string name)
    {
        var mode = ResolveMode(builder);
        builder.Configuration["Redis:ResolvedMode"] = mode.ToString();
        var maxMemory = builder.Configuration["Redis:MaxMemory"] ?? DefaultMaxMemory;
        return mode switch
        {
            CacheMode.Container when builder.ExecutionContext.IsPublishMode => builder.AddRedis(name).WithDataVolume().WithAppendOnlyFile().WithArgs(context => AppendMemoryLimit(context, maxMemory)),
            CacheMode.Container => builder.AddRedis(name).WithArgs(context => AppendMemoryLimit(context, maxMemory)),
            CacheMode.Executable => builder.AddRedisServerExecutable(name, maxMemory),
            CacheMode.Garnet => builder.AddGarnetServer(name),
            _ => throw new InvalidOperationException($"Unknown cache mode {mode}."),
        };
    }

    /// <summary>
    /// Memory limit of the cache (<c>Redis:MaxMemory</c> overrides it). Under pressure Redis evicts the least recently used
    /// keys that have a time to live (<see cref="EvictionPolicy"/>): predictions, module cache entries and finished jobs,
    /// never the job queue, leases or unfinished jobs (they have none). So the public predict endpoint cannot fill the
    /// Redis that holds the job queue.
    /// </summary>
    public const string DefaultMaxMemory = "256mb";

    /// <summary>Eviction policy of the cache: only keys with a time to live are evicted.</summary>
    public const string EvictionPolicy = "volatile-lru";

    private static void AppendMemoryLimit(CommandLineArgsCallbackContext context, string maxMemory)
    {
        // The Redis container runs "/bin/sh -c 'redis-server ...'": the limit belongs inside that command line.
        var shell = context.Args.IndexOf("-c");
        if (shell >= 0 && shell + 1 < context.Args.Count && context.Args[shell + 1] is string command)
        {
            context.Args[shell + 1] = $"{command} --maxmemory {maxMemory} --maxmemory-policy {EvictionPolicy}";
            return;
        }

        context.Args.Add("--maxmemory");
        context.Args.Add(maxMemory);
        context.Args.Add("--maxmemory-policy");
        context.Args.Add(EvictionPolicy);
    }

    /// <summary>Decides the cache mode from <c>Redis:Mode</c>, the execution context and what this machine has.</summary>
    public static CacheMode ResolveMode(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return CacheMode.Container; // Azure Container Apps runs the Redis image; never a local process.
        }

        var configured = builder.Configuration["Redis:Mode"];
        if (!string.IsNullOrWhiteSpace(configured) && !configured.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return Enum.TryParse<CacheMode>(configured, ignoreCase: true, out var forced)
                ? forced
                : throw new InvalidOperationException(
                    $"Redis:Mode '{configured}' is not one of auto, container, executable, garnet.");
        }

        if (ContainerRuntimeAnswers(builder.Configuration))
        {
            return CacheMode.Container;
        }

        return FindOnPath("redis-server") is not null ? CacheMode.Executable : CacheMode.Garnet;
    }

    /// <summary>
    /// Turns on Redis's append-only file (fsync every second) so queued and running jobs survive a restart of the cache
    /// container; with <c>WithDataVolume</c> the file lives on a volume.
    /// </summary>
    public static IResourceBuilder<RedisResource> WithAppendOnlyFile(this IResourceBuilder<RedisResource> redis) =>
        redis.WithArgs(context =>
        {
            // AddRedis runs "/bin/sh -c 'redis-server ...'": the options belong inside that one command line.
            var command = context.Args.IndexOf("-c") + 1;
            if (command <= 0 || command >= context.Args.Count || context.Args[command] is not string line)
            {
                throw new InvalidOperationException("The Redis container's command line is not the expected '/bin/sh -c redis-server ...'.");
            }

            context.Args[command] = line + " --appendonly yes --appendfsync everysec";
        });

    private static IResourceBuilder<IResourceWithConnectionString> AddRedisServerExecutable(this IDistributedApplicationBuilder builder, string name, string maxMemory)
    {
        var command = FindOnPath("redis-server")
            ?? throw new InvalidOperationException("Redis:Mode is 'executable' but no redis-server is on PATH.");
        var workingDirectory = Path.Combine(Path.GetTempPath(), "logillm-redis");
        Directory.CreateDirectory(workingDirectory);

        var resource = new RedisServerResource(name, command, workingDirectory);
        var redis = builder.AddResource(resource)
            .WithEndpoint(name: RedisServerResource.EndpointName, scheme: "tcp", env: "REDIS_PORT")
            .WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                // A cache: nothing to persist, and no dump file left in the working directory.
                context.Args.Add("--save");
                context.Args.Add("");
                context.Args.Add("--appendonly");
                context.Args.Add("no");
                AppendMemoryLimit(context, maxMemory);
            });
        return redis.WithPingHealthCheck(resource);
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddGarnetServer(this IDistributedApplicationBuilder builder, string name)
    {
        var resource = new GarnetServerResource(name);
        var garnet = builder.AddResource(resource)
            .WithAnnotation(new Projects.LogiLlm_GarnetHost())
            .WithEndpoint(name: GarnetServerResource.EndpointName, scheme: "tcp", env: "GARNET_PORT")
            .WithEnvironment("GARNET_BIND", "127.0.0.1");
        return garnet.WithPingHealthCheck(resource);
    }

    private static IResourceBuilder<IResourceWithConnectionString> WithPingHealthCheck<T>(this IResourceBuilder<T> builder, T resource)
        where T : IResourceWithConnectionString
    {
        var key = $"{resource.Name}-ping";
        var check = new RedisPingHealthCheck(resource);
        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => check, failureStatus: null, tags: null));
        builder.WithHealthCheck(key);
        return (IResourceBuilder<IResourceWithConnectionString>)(object)builder;
    }

    private static bool ContainerRuntimeAnswers(IConfiguration configuration)
    {
        var runtime = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
        if (FindOnPath(runtime) is not { } executable)
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? FindOnPath(string command)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
    }
}
