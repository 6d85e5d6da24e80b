using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogiLlm.AppHost.Tests;

/// <summary>
/// The full graph with two trainer replicas (<c>--Trainer:Replicas=2</c>) sharing the training job queue, short leases so
/// that a dead replica's job is taken over within seconds, and a registry in a fresh temporary folder.
/// </summary>
public abstract class TrainingJobsAppFixture : IAsyncLifetime
{
    private DistributedApplication? _app;

    /// <summary>How the cache is provided (<c>Redis:Mode</c>).</summary>
    protected abstract string CacheMode { get; }

    /// <summary>Lease of a running job; a killed replica's job is requeued after at most this long.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    public string RegistryPath { get; } = Path.Combine(Path.GetTempPath(), "logillm-tests", Guid.NewGuid().ToString("n"));

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application is not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(RegistryPath);
        using var cts = new CancellationTokenSource(AppHostFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LogiLlm_AppHost>(
            [
                $"--Redis:Mode={CacheMode}", $"--Registry:Path={RegistryPath}", "--Parameters:llm-provider=mock",
                "--Trainer:Replicas=2",
                $"--TrainingJobs:LeaseDuration={LeaseDuration}", "--TrainingJobs:LeaseRenewInterval=00:00:00.500",
                "--TrainingJobs:ReaperInterval=00:00:00.500", "--TrainingJobs:PollInterval=00:00:00.500",
            ],
            cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());

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

/// <summary>Two trainer replicas on <c>redis-server</c>.</summary>
public sealed class TrainingJobsRedisFixture : TrainingJobsAppFixture
{
    protected override string CacheMode => "executable";
}

/// <summary>Two trainer replicas on the embedded Garnet server.</summary>
public sealed class TrainingJobsGarnetFixture : TrainingJobsAppFixture
{
    protected override string CacheMode => "garnet";
}

/// <summary>Two trainer replicas on <c>redis-server</c>, one of which a test kills.</summary>
public sealed class TrainingJobsKillFixture : TrainingJobsAppFixture
{
    protected override string CacheMode => "executable";
}

[CollectionDefinition(Name)]
public sealed class TrainingJobsRedisCollection : ICollectionFixture<TrainingJobsRedisFixture>
{
    public const string Name = "Training jobs, two trainers on redis-server";
}

[CollectionDefinition(Name)]
public sealed class TrainingJobsGarnetCollection : ICollectionFixture<TrainingJobsGarnetFixture>
{
    public const string Name = "Training jobs, two trainers on Garnet";
}

[CollectionDefinition(Name)]
public sealed class TrainingJobsKillCollection : ICollectionFixture<TrainingJobsKillFixture>
{
    public const string Name = "Training jobs, a trainer killed mid-job";
}
