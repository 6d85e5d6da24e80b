using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LogiLlm.Studio.Tests;

/// <summary>The Studio's pages in a real browser (Debian's Chromium) over the running app with the local model.</summary>
[Collection(StudioAppCollection.Name)]
public sealed class StudioPagesTests(StudioAppFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    /// <summary>How long a page may take to show a training job's end (the job runs on a shared, busy machine).</summary>
    private static readonly LocatorAssertionsToHaveTextOptions JobEnd = new() { Timeout = 180_000 };

    private const string EmailsSignature =
        "email: str -> category: Literal['cancellation', 'order_status', 'refund_request', 'feedback', 'billing_issue', 'technical_support']";

    private static readonly string[] EmailCategories = ["cancellation", "order_status", "refund_request", "feedback", "billing_issue", "technical_support"];

    [Fact]
    public async Task The_modules_page_lists_a_module_trained_through_the_api()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await fixture.TrainAsync("listed", maxDemos: 24, cts.Token);

        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/");
        var row = page.Locator($"tr[data-module='{name}']");
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.GetByRole(AriaRole.Link, new() { Name = name })).ToHaveAttributeAsync("href", $"/modules/{name}");
        await Expect(row).ToContainTextAsync("latest → v1");
        await Expect(row).ToContainTextAsync("email: str -> category: str");
        await Expect(row).ToContainTextAsync("local / local-minilm-knn");
        await fixture.ScreenshotAsync(page, "modules", output);

        var phone = await fixture.NewPageAsync(phone: true);
        await phone.GotoAsync("/");
        await Expect(phone.Locator($"tr[data-module='{name}']")).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(phone, "modules-phone", output);

        // Search narrows the list to what matches, from the query string.
        await page.GetByLabel("Search modules").FillAsync("no-such-module-anywhere");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Expect(page.GetByTestId("no-modules")).ToBeVisibleAsync();
        await Expect(row).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_module_page_shows_its_versions_a_score_chart_lineage_diff_and_prompt()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await fixture.TwoVersionModuleAsync(cts.Token);

        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/modules/{name}");
        var versions = page.GetByTestId("versions");
        await Expect(versions.Locator("tbody tr")).ToHaveCountAsync(2);
        await Expect(versions.Locator("tr[data-version='1']")).ToContainTextAsync("LabeledFewShot");
        await Expect(versions.Locator("tr[data-version='2'] a[download]")).ToHaveAttributeAsync("href", $"/download/{name}/2");

        // Baseline and best for each of the two versions, drawn as SVG on the server.
        var chart = page.GetByTestId("version-chart");
        await Expect(chart.Locator("svg circle")).ToHaveCountAsync(4);
        await Expect(chart.Locator("svg polyline")).ToHaveCountAsync(2);
        await Expect(chart.Locator("svg desc")).ToContainTextAsync("best: v1");

        await Expect(page.GetByTestId("lineage")).ToContainTextAsync("LabeledFewShot");
        await Expect(page.GetByTestId("lineage")).ToContainTextAsync("emails");
        // v1 kept 8 demos, v2 16: the diff from v1 to v2 adds the 8 more.
        await Expect(page.GetByTestId("diff")).ToContainTextAsync("v1 → v2");
        await Expect(page.GetByTestId("demos-added")).ToHaveTextAsync("8 added");
        await Expect(page.GetByTestId("demos-removed")).ToHaveTextAsync("0 removed");
        await page.GetByTestId("prompt").Locator("summary").ClickAsync();
        await Expect(page.GetByTestId("prompt")).ToContainTextAsync("{email}");
        await fixture.ScreenshotAsync(page, "module", output);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download v2" }).ClickAsync());
        Assert.Equal($"{name}-v2.json", download.SuggestedFilename);
        var saved = JsonNode.Parse(await File.ReadAllTextAsync(await download.PathAsync()))!;
        Assert.Equal(16, saved["demo_manager"]!["demos"]!.AsArray().Count);
    }

    [Fact]
    public async Task Moving_an_alias_from_the_module_page_changes_what_inference_serves()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await fixture.TwoVersionModuleAsync(cts.Token);
        using var inference = fixture.App.CreateHttpClient("inference");

        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/modules/{name}");
        await MoveAliasAsync(page, "production", 1);
        await WaitUntilServedAsync(inference, $"{name}@production", 1, cts.Token);

        await MoveAliasAsync(page, "production", 2);
        await Expect(page.GetByTestId("alias-production")).ToHaveTextAsync("production → v2");
        await WaitUntilServedAsync(inference, $"{name}@production", 2, cts.Token);
        await fixture.ScreenshotAsync(page, "module-alias", output);

        // A bad alias is the trainer's 400, shown next to the field; nothing moves.
        await page.GetByLabel("Alias", new() { Exact = true }).FillAsync("123");
        await page.GetByRole(AriaRole.Button, new() { Name = "Move alias" }).ClickAsync();
        await Expect(page.Locator("#alias-name-errors")).ToContainTextAsync("not a valid alias");
        Assert.Equal(2, await PredictVersionAsync(inference, $"{name}@production", cts.Token));
    }

    [Fact]
    public async Task The_train_form_starts_a_job_and_shows_its_progress_until_it_succeeded()
    {
        var name = $"trained-{Guid.NewGuid():n}"[..20];
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/train");
        await Expect(page.Locator("form[data-ready='interactive']")).ToBeVisibleAsync();

        await page.GetByLabel("Module name").FillAsync(name);
        await page.GetByLabel("Signature").FillAsync(EmailsSignature);
        await page.GetByLabel("Sample dataset").SelectOptionAsync("emails");
        await page.GetByLabel("Optimizer", new() { Exact = true }).SelectOptionAsync("hyperparameter");
        await page.GetByLabel("trials").FillAsync("4");
        await page.GetByLabel("Parameter space (JSON)").FillAsync("""{"temperature": [0.0, 1.0]}""");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start training" }).ClickAsync();

        await Expect(page.GetByTestId("job")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("succeeded", JobEnd);
        await Expect(page.GetByTestId("new-version")).ToHaveAttributeAsync("href", $"/modules/{name}?version=1");
        await Expect(page.GetByTestId("job-trials")).Not.ToHaveTextAsync("0");
        await Expect(page.GetByTestId("trial-chart").Locator("svg circle").First).ToBeVisibleAsync();
        await fixture.ScreenshotAsync(page, "train", output);

        using var trainer = fixture.App.CreateHttpClient("trainer");
        var versions = await trainer.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions");
        Assert.Equal(1, (int)versions!["aliases"]!["latest"]!);
    }

    [Fact]
    public async Task The_train_form_shows_the_trainers_validation_messages_next_to_the_fields()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/train");
        await Expect(page.Locator("form[data-ready='interactive']")).ToBeVisibleAsync();

        await page.GetByLabel("Module name").FillAsync("bad-signature");
        await page.GetByLabel("Signature").FillAsync("email -> -> category");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start training" }).ClickAsync();

        await Expect(page.Locator("#signature-errors")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Signature")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByTestId("problem")).ToContainTextAsync("The training job is invalid");
        await Expect(page.GetByTestId("job")).ToHaveCountAsync(0);
        await fixture.ScreenshotAsync(page, "train-validation", output);
    }

    [Fact]
    public async Task The_playground_predicts_a_category_with_a_form_made_from_the_signature()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var name = await fixture.TrainAsync("playground", maxDemos: 72, cts.Token);

        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/playground?module={name}");
        await Expect(page.Locator("form[data-ready='interactive']")).ToBeVisibleAsync();
        await page.GetByLabel("email").FillAsync("I was charged twice for my subscription this month, please fix the invoice");
        await page.GetByRole(AriaRole.Button, new() { Name = "Predict" }).ClickAsync();

        var category = page.Locator("[data-output='category']");
        await Expect(category).ToBeVisibleAsync();
        Assert.Contains(await category.InnerTextAsync(), EmailCategories);
        await Expect(page.GetByTestId("prediction")).ToContainTextAsync($"{name} v1");
        await Expect(page.GetByTestId("latency")).ToContainTextAsync("ms");
        await fixture.ScreenshotAsync(page, "playground", output);
    }

    private static async Task MoveAliasAsync(IPage page, string alias, int version)
    {
        await page.GetByLabel("Alias", new() { Exact = true }).FillAsync(alias);
        await page.GetByLabel("Version", new() { Exact = true }).SelectOptionAsync(version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Move alias" }).ClickAsync();
        await Expect(page.GetByTestId("alias-moved")).ToHaveTextAsync($"{alias} now points at v{version}.");
    }

    /// <summary>
    /// Predicts until inference serves <paramref name="expected"/> for <paramref name="reference"/>: it applies the trainer's
    /// alias announcement as soon as that arrives. Never arriving fails the test when the token runs out.
    /// </summary>
    private static async Task WaitUntilServedAsync(HttpClient inference, string reference, int expected, CancellationToken cancellationToken)
    {
        while (await PredictVersionAsync(inference, reference, cancellationToken) != expected)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<int> PredictVersionAsync(HttpClient inference, string reference, CancellationToken cancellationToken)
    {
        using var response = await inference.PostAsJsonAsync($"/api/modules/{reference}/predict", new { inputs = new { email = "Where is my parcel?" } }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return (int)JsonNode.Parse(body)!["version"]!;
    }
}
