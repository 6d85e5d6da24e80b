using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogiLlm.AppHost.Tests;

/// <summary>
/// One running distributed application per test collection: cache, trainer and inference, with a registry in a
/// fresh temporary folder. Derived fixtures choose how the cache is provided.
/// </summary>
public abstract class AppHostFixture : IAsyncLifetime
{
    /// <summary>Upper bound for starting the graph (build of the projects included).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>Upper bound for a single request or wait inside a test.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    private DistributedApplication? _app;

    /// <summary>How the cache is provided (<c>Redis:Mode</c>).</summary>
    protected abstract string CacheMode { get; }

    /// <summary>More AppHost arguments of a derived fixture.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>Lets a derived fixture add services (e.g. a log capture) before the app is built.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>Registry folder of the trainer for this run.</summary>
    public string RegistryPath { get; } = Path.Combine(Path.GetTempPath(), "logillm-tests", Guid.NewGuid().ToString("n"));

    /// <summary>The running application.</summary>
    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application is not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(RegistryPath);
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LogiLlm_AppHost>(
            [$"--Redis:Mode={CacheMode}", $"--Registry:Path={RegistryPath}", "--Parameters:llm-provider=mock", .. ExtraArguments],
            cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        Configure(builder);

        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("cache", cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("trainer", cts.Token);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("inference", cts.Token);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(RegistryPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The graph with <c>redis-server</c> from PATH as the cache (what CI installs).</summary>
public sealed class RedisAppFixture : AppHostFixture
{
    protected override string CacheMode => "executable";
}

/// <summary>The graph with the embedded Garnet server as the cache.</summary>
public sealed class GarnetAppFixture : AppHostFixture
{
    protected override string CacheMode => "garnet";
}

[CollectionDefinition(Name)]
public sealed class RedisAppCollection : ICollectionFixture<RedisAppFixture>
{
    public const string Name = "Full graph on redis-server";
}

[CollectionDefinition(Name)]
public sealed class GarnetAppCollection : ICollectionFixture<GarnetAppFixture>
{
    public const string Name = "Full graph on Garnet";
}
