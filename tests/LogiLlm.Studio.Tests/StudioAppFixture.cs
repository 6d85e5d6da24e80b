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
