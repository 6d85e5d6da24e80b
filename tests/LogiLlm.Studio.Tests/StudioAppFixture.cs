using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace LogiLlm.Studio.Tests;

/// <summary>
/// The full graph (cache on <c>redis-server</c>, trainer, inference, studio) with the offline local model and a
/// registry in a fresh folder, plus one headless Chromium (Debian's <c>/usr/bin/chromium</c>) for the browser tests.
/// </summary>
public sealed class StudioAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    /// <summary>The browser the tests drive: Debian's package (Playwright's own download is not reachable here).</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private DistributedApplication? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public string RegistryPath { get; } = Path.Combine(Path.GetTempPath(), "logillm-studio-tests", Guid.NewGuid().ToString("n"));

    /// <summary>Where the screenshots of the pages go (under the test output folder).</summary>
    public string ScreenshotPath { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application is not started.");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not started.");

    /// <summary>The Studio's address in this run.</summary>
    public Uri StudioUrl => App.GetEndpoint("studio", "http");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(RegistryPath);
        Directory.CreateDirectory(ScreenshotPath);
        using var cts = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LogiLlm_AppHost>(
            ["--Redis:Mode=executable", $"--Registry:Path={RegistryPath}", "--Parameters:llm-provider=local"], cts.Token);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        _app = await builder.BuildAsync(cts.Token);
        await _app.StartAsync(cts.Token);
        foreach (var resource in new[] { "cache", "trainer", "inference", "studio" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, cts.Token);
        }

        // Pages wait on a shared, busy machine (a model call, a training job): assertions get the same patience as requests.
        Assertions.SetDefaultExpectTimeout(60_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    /// <summary>A fresh page at laptop size (or phone size), with generous timeouts for a busy machine.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = StudioUrl.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Saves a full-page screenshot under the output folder and logs where it is.</summary>
    public async Task<string> ScreenshotAsync(IPage page, string name, ITestOutputHelper output)
    {
        var path = Path.Combine(ScreenshotPath, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
        return path;
    }

    private readonly SemaphoreSlim _twoVersionsGate = new(1, 1);
    private string? _twoVersions;

    /// <summary>
    /// One module trained twice on the emails sample (v1 with 8 demos, v2 with 16, same seed, so v2 adds 8), made once
    /// for the tests that read or move its versions.
    /// </summary>
    public async Task<string> TwoVersionModuleAsync(CancellationToken cancellationToken)
    {
        await _twoVersionsGate.WaitAsync(cancellationToken);
        try
        {
            if (_twoVersions is null)
            {
                var name = await TrainAsync("versions", maxDemos: 8, cancellationToken);
                await TrainAsync("versions", maxDemos: 16, cancellationToken, name);
                _twoVersions = name;
            }

            return _twoVersions;
        }
        finally
        {
            _twoVersionsGate.Release();
        }
    }

    /// <summary>Trains a module on the emails sample through the trainer's API and waits until the job succeeded.</summary>
    public async Task<string> TrainAsync(string prefix, int maxDemos, CancellationToken cancellationToken, string? name = null)
    {
        using var trainer = App.CreateHttpClient("trainer");
        name ??= $"{prefix}-{Guid.NewGuid():n}"[..20];
        var id = await TrainingJobsApiClient.CreateAsync(trainer, new JsonObject
        {
            ["module"] = name,
            ["signature"] = "email: str -> category: str",
            ["instructions"] = "Classify customer emails by category",
            ["sampleDataset"] = "emails",
            ["optimizer"] = new JsonObject { ["type"] = "labeled-few-shot", ["maxDemos"] = maxDemos, ["seed"] = 7 },
            ["metric"] = new JsonObject { ["type"] = "accuracy", ["key"] = "category" },
        }, cancellationToken);
        var events = await TrainingJobsApiClient.FollowAsync(trainer, id, cancellationToken);
        Assert.Equal("succeeded", events[^1].Event);
        return name;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
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

[CollectionDefinition(Name)]
public sealed class StudioAppCollection : ICollectionFixture<StudioAppFixture>
{
    public const string Name = "Studio over the full graph";
}
