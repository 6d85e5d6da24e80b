using LogiLlm.Trainer.Jobs;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>
/// One trainer replica in memory. Several hosts built on the same Redis, key prefix and registry behave like
/// replicas of one deployment; short leases and polls keep the tests fast.
/// </summary>
public sealed class JobsHost(
    string redisConnectionString, string registryPath, string keyPrefix, int concurrency = 1, ITrainingRunner? runner = null, TimeSpan? leaseDuration = null,
    Action<IServiceCollection>? services = null)
    : WebApplicationFactory<Program>
{
    /// <summary>Default lease: short, so that tests of dead workers see their jobs taken over within seconds.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(5);

    public string KeyPrefix => keyPrefix;

    public TrainingJobStore Store => Services.GetRequiredService<TrainingJobStore>();

    public TrainingJobLeases Leases => Services.GetRequiredService<TrainingJobLeases>();

    public TrainingJobWorker Worker => Services.GetRequiredService<TrainingJobWorker>();

    /// <summary>Starts the host (and its worker) without sending a request.</summary>
    public JobsHost Start()
    {
        _ = Server;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:cache", redisConnectionString);
        builder.UseSetting("Registry:Path", registryPath);
        builder.UseSetting("Llm:Provider", "mock");
        builder.UseSetting("TrainingJobs:KeyPrefix", keyPrefix);
        builder.UseSetting("TrainingJobs:Concurrency", concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("TrainingJobs:LeaseDuration", (leaseDuration ?? LeaseDuration).ToString());
        builder.UseSetting("TrainingJobs:LeaseRenewInterval", "00:00:00.250");
        builder.UseSetting("TrainingJobs:ReaperInterval", "00:00:00.200");
        builder.UseSetting("TrainingJobs:PollInterval", "00:00:00.200");
        builder.UseSetting("TrainingJobs:ProgressInterval", "00:00:00.050");
        if (runner is not null)
        {
            builder.ConfigureTestServices(s => s.AddSingleton(runner));
        }

        if (services is not null)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
