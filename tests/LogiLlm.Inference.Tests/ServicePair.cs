extern alias TrainerApp;
using LogiLlm.Inference.Modules;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LogiLlm.Inference.Tests;

/// <summary>
/// Trainer and inference in memory, sharing a real redis-server; inference reaches the trainer through a handler
/// that a test can switch off to play "the trainer is down".
/// </summary>
public sealed class ServicePair : IDisposable
{
    private readonly TrainerAppFactory _trainer;
    private readonly InferenceAppFactory _inference;
    private readonly ServiceSetup _trainerSetup;
    private readonly ServiceSetup _inferenceSetup;
    private readonly ServiceSetup _bothSetup;

    /// <param name="overHttp">
    /// When true, the trainer listens on a real loopback port and inference calls it over HTTP (as in production, so
    /// trace context is propagated); otherwise calls go through the in-memory test server.
    /// </param>
    /// <param name="trainer">Settings and service replacements of the trainer.</param>
    /// <param name="inference">Settings and service replacements of inference (its <c>Llm:Provider</c> is <c>mock</c> unless set).</param>
    /// <param name="both">Settings and services of both (e.g. <c>Auth:*</c>, the JWT handler's signing key).</param>
    public ServicePair(bool overHttp = false, ServiceSetup? trainer = null, ServiceSetup? inference = null, ServiceSetup? both = null)
    {
        _trainerSetup = trainer ?? ServiceSetup.None;
        _inferenceSetup = inference ?? ServiceSetup.None;
        _bothSetup = both ?? ServiceSetup.None;
        Redis = RedisServerProcess.Start();
        RegistryPath = Path.Combine(Path.GetTempPath(), "logillm-inference-tests", Guid.NewGuid().ToString("n"));
        _trainer = new TrainerAppFactory(this);
        if (overHttp)
        {
            _trainer.UseKestrel(0);
            using var probe = _trainer.CreateClient();
            TrainerAddress = probe.BaseAddress;
        }

        _inference = new InferenceAppFactory(this);
    }

    /// <summary>The inference service's resolver (its loaded modules).</summary>
    public ModuleResolver InferenceResolver => _inference.Services.GetRequiredService<ModuleResolver>();

    /// <summary>The trainer's real address when it listens over HTTP.</summary>
    public Uri? TrainerAddress { get; }

    public RedisServerProcess Redis { get; }

    public string RegistryPath { get; }

    /// <summary>When false, every call from inference to the trainer fails as if the trainer were down.</summary>
    public bool TrainerReachable { get; set; } = true;

    public HttpClient CreateTrainerClient() => _trainer.CreateClient();

    /// <summary>The inference service's container (after a client was created).</summary>
    public IServiceProvider InferenceServices => _inference.Services;

    /// <summary>The trainer's container.</summary>
    public IServiceProvider TrainerServices => _trainer.Services;

    public HttpClient CreateInferenceClient() => _inference.CreateClient();

    public void Dispose()
    {
        _inference.Dispose();
        _trainer.Dispose();
        Redis.Dispose();
        if (Directory.Exists(RegistryPath))
        {
            Directory.Delete(RegistryPath, recursive: true);
        }
    }

    private sealed class TrainerAppFactory(ServicePair pair) : WebApplicationFactory<TrainerApp::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:cache", pair.Redis.ConnectionString);
            builder.UseSetting("Registry:Path", pair.RegistryPath);
            pair._bothSetup.ApplyTo(builder);
            pair._trainerSetup.ApplyTo(builder);
        }
    }

    private sealed class InferenceAppFactory(ServicePair pair) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:cache", pair.Redis.ConnectionString);
            builder.UseSetting("Llm:Provider", "mock");
            pair._bothSetup.ApplyTo(builder);
            pair._inferenceSetup.ApplyTo(builder);
            if (pair.TrainerAddress is { } address)
            {
                builder.UseSetting("Trainer:BaseAddress", address.ToString());
                return;
            }

            builder.ConfigureTestServices(services =>
                services.AddHttpClient<TrainerClient>()
                    .ConfigurePrimaryHttpMessageHandler(() => new SwitchableHandler(pair, pair._trainer.Server.CreateHandler())));
        }
    }

    private sealed class SwitchableHandler(ServicePair pair, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            pair.TrainerReachable
                ? base.SendAsync(request, cancellationToken)
                : throw new HttpRequestException("Connection refused (trainer is down in this test).");
    }
}

/// <summary>How a service of a <see cref="ServicePair"/> is configured: settings, then service replacements.</summary>
/// <param name="Settings">Configuration (e.g. <c>ModuleSigning:Key</c>, <c>Llm:Provider</c>); later settings win.</param>
/// <param name="Services">Replacements registered after the app's own (e.g. a failing provider).</param>
public sealed record ServiceSetup(IReadOnlyDictionary<string, string>? Settings = null, Action<IServiceCollection>? Services = null)
{
    /// <summary>Nothing beyond the defaults.</summary>
    public static readonly ServiceSetup None = new();

    /// <summary>One setting.</summary>
    public static ServiceSetup Setting(string key, string value) => new(new Dictionary<string, string> { [key] = value });

    internal void ApplyTo(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }

        if (Services is { } services)
        {
            builder.ConfigureTestServices(services);
        }
    }
}
