using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LogiLlm.Studio.Tests;

/// <summary>The Studio's pages in a real browser over the running app.</summary>
[Collection(StudioAppCollection.Name)]
public sealed class StudioPagesTests(StudioAppFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_modules_page_lists_a_module_trained_through_the_api()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await TrainAsync("listed", cts.Token);

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var row = page.Locator($"tr[data-module='{name}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = name })).ToHaveAttributeAsync("href", $"/modules/{name}");
        await Expect(row).ToContainTextAsync("latest → v1");
        await Expect(row).ToContainTextAsync("email: str -> category: str");
        await Expect(row).ToContainTextAsync("local / local-minilm-knn");
        await fixture.ScreenshotAsync(page, "modules", output);

        // Search narrows the list to what matches, from the query string.
        await page.GetByLabel("Search modules").FillAsync("no-such-module-anywhere");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByTestId("no-modules")).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);
    }

    /// <summary>Trains a module on the emails sample through the trainer's API and waits for it to succeed.</summary>
    private async Task<string> TrainAsync(string prefix, CancellationToken cancellationToken)
    {
        using var trainer = fixture.App.CreateHttpClient("trainer");
        var name = $"{prefix}-{Guid.NewGuid():n}"[..20];
        var id = await TrainingJobsApiClient.CreateAsync(trainer, new JsonObject
        {
            ["module"] = name,
            ["signature"] = "email: str -> category: str",
            ["instructions"] = "Classify customer emails by category",
            ["sampleDataset"] = "emails",
            ["optimizer"] = new JsonObject { ["type"] = "labeled-few-shot", ["maxDemos"] = 24 },
            ["metric"] = new JsonObject { ["type"] = "accuracy", ["key"] = "category" },
        }, cancellationToken);
        var events = await TrainingJobsApiClient.FollowAsync(trainer, id, cancellationToken);
        Assert.Equal("succeeded", events[^1].Event);
        return name;
    }
}
