using LogiLlm.Tests.Shared;
using LogiLlm.Trainer.Jobs;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>One redis-server for a test class; every test gets its own key prefix and registry folder.</summary>
public sealed class JobsRedisFixture : IDisposable
{
    private readonly List<string> _folders = [];

    public RedisServerProcess Redis { get; } = RedisServerProcess.Start();

    public (string Registry, string Prefix) NewDeployment()
    {
        var registry = Path.Combine(Path.GetTempPath(), "logillm-jobs-tests", Guid.NewGuid().ToString("n"));
        lock (_folders)
        {
            _folders.Add(registry);
        }

        return (registry, $"test:{Guid.NewGuid():n}");
    }

    public JobsHost Host(string registry, string prefix, int concurrency = 1, ITrainingRunner? runner = null, TimeSpan? leaseDuration = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null) =>
        new(Redis.ConnectionString, registry, prefix, concurrency, runner, leaseDuration, services);

    public void Dispose()
    {
        Redis.Dispose();
        foreach (var folder in _folders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
