using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using LogiLlm.Trainer.Tests;

namespace LogiLlm.Cli.Tests;

/// <summary><c>logillm push</c> / <c>pull</c> against the trainer's real registry API (in memory, on a real redis-server).</summary>
public sealed class RegistryTests : IClassFixture<TrainerFactory>
{
    private const string Registry = "http://trainer.test";
    private readonly TrainerFactory _trainer;

    public RegistryTests(TrainerFactory trainer) => _trainer = trainer;

    [Fact]
    public async Task Push_uploads_a_new_version_and_points_the_alias_then_pull_writes_it_back()
    {
        using var folder = new TempFolder();
        var name = $"triage-{Guid.NewGuid():n}"[..16];
        var push = await RunAsync(["push", SharedPaths.Fixture("optimized.json"), "--registry", Registry, "--name", name, "--alias", "production", "--json"]);
        Assert.True(push.ExitCode == 0, push.ToString());
        var pushed = JsonNode.Parse(push.Out)!;
        Assert.Equal(1, (int)pushed["version"]!);

        using var http = _trainer.CreateClient();
        var versions = await http.GetFromJsonAsync<JsonObject>($"/api/modules/{name}/versions");
        Assert.Equal(1, (int)versions!["aliases"]!["production"]!);

        var outPath = folder.File("pulled/m.json");
        var pull = await RunAsync(["pull", $"{name}@production", "--registry", Registry, "--out", outPath]);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Equal(await http.GetStringAsync($"/api/modules/{name}/versions/1"), await File.ReadAllTextAsync(outPath));
        Assert.Equal(DigestStatus.Verified, ModuleLoader.LoadWithReport(outPath, new LoadOptions { RequireDigest = true }).Report.Digest);
    }

    [Fact]
    public async Task Push_of_a_corrupt_file_exits_2_and_sends_nothing()
    {
        using var folder = new TempFolder();
        var path = folder.File("broken.json");
        await File.WriteAllTextAsync(path, "{\"module_type\": \"Predict\"");
        var run = await RunAsync(["push", path, "--registry", Registry]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "broken.json");
        using var http = _trainer.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/api/modules/broken/versions")).StatusCode);
    }

    [Fact]
    public async Task Pull_of_an_unknown_module_exits_2_with_the_registry_s_reason()
    {
        using var folder = new TempFolder();
        var run = await RunAsync(["pull", "nobody-here@latest", "--registry", Registry, "--out", folder.File("m.json")]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "404");
        Assert.False(File.Exists(folder.File("m.json")));
    }

    [Fact]
    public async Task Without_a_registry_url_push_exits_2()
    {
        var run = await CliRunner.RunAsync(["push", SharedPaths.Fixture("optimized.json")]);
        CliRunner.AssertOneLineError(run, ExitCodes.BadInput, "--registry");
    }

    [Fact]
    public async Task An_unreachable_registry_exits_1()
    {
        using var folder = new TempFolder();
        var run = await CliRunner.RunAsync(["pull", "m@latest", "--registry", "http://127.0.0.1:9", "--out", folder.File("m.json")]);
        CliRunner.AssertOneLineError(run, ExitCodes.Failed, "unreachable");
    }

    [Fact]
    public async Task The_admin_key_is_sent_from_the_environment_as_X_Api_Key()
    {
        var seen = new RecordingHandler(_trainer.Server.CreateHandler());
        var run = await CliRunner.RunAsync(
            ["pull", "nobody@latest", "--registry", Registry, "--out", Path.Combine(Path.GetTempPath(), "unused.json")],
            environment: new Dictionary<string, string> { ["LOGILLM_API_KEY"] = "admin-key-for-test" },
            registryHandler: seen);
        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("admin-key-for-test", Assert.Single(seen.ApiKeys));
        Assert.DoesNotContain("admin-key-for-test", run.Out + run.Error);
    }

    private Task<CliRun> RunAsync(string[] args) =>
        CliRunner.RunAsync(args, registryHandler: _trainer.Server.CreateHandler());

    private sealed class RecordingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public List<string> ApiKeys { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            ApiKeys.AddRange(request.Headers.TryGetValues("X-Api-Key", out var values) ? values : []);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
