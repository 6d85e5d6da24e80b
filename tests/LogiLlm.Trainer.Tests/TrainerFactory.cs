using LogiLlm.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LogiLlm.Trainer.Tests;

/// <summary>The trainer in memory, on a real redis-server and a registry in a fresh temporary folder.</summary>
public sealed class TrainerFactory : WebApplicationFactory<Program>
{
    public TrainerFactory()
    {
        Redis = RedisServerProcess.Start();
        RegistryPath = Path.Combine(Path.GetTempPath(), "logillm-trainer-tests", Guid.NewGuid().ToString("n"));
    }

    public RedisServerProcess Redis { get; }

    public string RegistryPath { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:cache", Redis.ConnectionString);
        builder.UseSetting("Registry:Path", RegistryPath);
        builder.UseSetting("Llm:Provider", "mock");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Redis.Dispose();
            if (Directory.Exists(RegistryPath))
            {
                Directory.Delete(RegistryPath, recursive: true);
            }
        }
    }
}
