using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogiLlm.AppHost.Tests;

/// <summary>
/// A graph of its own for tests that stop resources, with an API key configured and every log line captured
/// (the AppHost's and, forwarded by Aspire.Hosting.Testing, the resources' console logs).
/// </summary>
public sealed class ResilienceAppFixture : AppHostFixture
{
    /// <summary>The configured key; it must never surface anywhere.</summary>
    public const string ApiKey = "sk-logillm-test-secret-7f3a9c1e5b";

    /// <summary>Every captured log line.</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override string CacheMode => "executable";

    /// <summary>The baked module inference serves from <c>Inference:ModulesPath</c> (no trainer needed).</summary>
    public const string BakedModule = "baked_triage";

    /// <summary>The folder baked into inference: one file written by Python LogiLLM.</summary>
    public string BakedModulesPath { get; } = CreateBakedFolder();

    protected override IEnumerable<string> ExtraArguments => [$"--Parameters:llm-api-key={ApiKey}", $"--Inference:ModulesPath={BakedModulesPath}"];

    private static string CreateBakedFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "logillm-tests", "baked-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(folder);
        File.Copy(SharedPaths.Fixture("optimized.json"), Path.Combine(folder, BakedModule + ".json"));
        return folder;
    }

    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.Services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Information);
            logging.AddProvider(new CaptureLoggerProvider(Logs));
        });

    private sealed class CaptureLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CaptureLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CaptureLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

[CollectionDefinition(Name)]
public sealed class ResilienceAppCollection : ICollectionFixture<ResilienceAppFixture>
{
    public const string Name = "Full graph, resources stopped mid-test";
}
