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
    private readonly string _provider;
    private readonly Action<IServiceCollection>? _inferenceServices;
    private readonly IReadOnlyDictionary<string, string> _inferenceSettings;
    private readonly IReadOnlyDictionary<string, string> _trainerSettings;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly Action<IServiceCollection> _services;

    /// <param name="overHttp">
    /// When true, the trainer listens on a real loopback port and inference calls it over HTTP (as in production, so
    /// trace context is propagated); otherwise calls go through the in-memory test server.
    /// </param>
    /// <param name="trainerSigningKey">ModuleSigning:Key of the trainer (null = none).</param>
    /// <param name="inferenceSigningKey">ModuleSigning:Key of inference (null = none).</param>
    /// <param name="provider">The inference service's <c>Llm:Provider</c>.</param>
    /// <param name="inferenceServices">Replacements of inference services (e.g. a failing provider).</param>
    /// <param name="inferenceSettings">Further settings of the inference service.</param>
    /// <param name="trainerSettings">Further settings of the trainer.</param>
    /// <param name="settings">More configuration of both services (e.g. <c>Auth:*</c>).</param>
    /// <param name="services">More service registrations of both services (e.g. the JWT handler's signing key).</param>
    public ServicePair(bool overHttp = false, string? trainerSigningKey = null, string? inferenceSigningKey = null,
        string provider = "mock", Action<IServiceCollection>? inferenceServices = null, IReadOnlyDictionary<string, string>? inferenceSettings = null,
        IReadOnlyDictionary<string, string>? trainerSettings = null,
        IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        TrainerSigningKey = trainerSigningKey;
        InferenceSigningKey = inferenceSigningKey;
        _trainerSettings = trainerSettings ?? new Dictionary<string, string>();
        _provider = provider;
        _inferenceServices = inferenceServices;
        _inferenceSettings = inferenceSettings ?? new Dictionary<string, string>();
        _settings = settings ?? new Dictionary<string, string>();
        _services = services ?? (_ => { });
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

    public string? TrainerSigningKey { get; }

    public string? InferenceSigningKey { get; }

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
            foreach (var (key, value) in pair._trainerSettings)
            {
                builder.UseSetting(key, value);
            }

            if (pair.TrainerSigningKey is { } signingKey)
            {
                builder.UseSetting("ModuleSigning:Key", signingKey);
            }

            pair.Configure(builder);
        }
    }

    private sealed class InferenceAppFactory(ServicePair pair) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:cache", pair.Redis.ConnectionString);
            builder.UseSetting("Llm:Provider", pair._provider);
            foreach (var (key, value) in pair._inferenceSettings)
            {
                builder.UseSetting(key, value);
            }

            if (pair._inferenceServices is { } replace)
            {
                builder.ConfigureTestServices(replace);
            }

            if (pair.InferenceSigningKey is { } signingKey)
            {
                builder.UseSetting("ModuleSigning:Key", signingKey);
            }

            pair.Configure(builder);
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

    private void Configure(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(_services);
    }

    private sealed class SwitchableHandler(ServicePair pair, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            pair.TrainerReachable
                ? base.SendAsync(request, cancellationToken)
                : throw new HttpRequestException("Connection refused (trainer is down in this test).");
    }
}
