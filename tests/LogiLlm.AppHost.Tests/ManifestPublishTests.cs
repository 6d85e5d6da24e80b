using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LogiLlm.AppHost.Tests;

/// <summary>
/// The Azure Container Apps deployment starts from the Aspire manifest (<c>azd up</c>). Publishing it runs offline, so
/// these tests publish it and check what ACA would get.
/// </summary>
public sealed class ManifestPublishTests : IAsyncLifetime
{
    private const string SecretValue = "sk-test-never-in-a-manifest-4242";
    private const string PredictKeyValue = "predict-key-never-in-a-manifest-5151";
    private const string AdminKeyValue = "admin-key-never-in-a-manifest-6262";
    private readonly string _output = Path.Combine(Path.GetTempPath(), "logillm-manifest", Guid.NewGuid().ToString("n"));
    private JsonObject _resources = [];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_output);
        var manifestPath = Path.Combine(_output, "aspire-manifest.json");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                "run", "--project", Projects.LogiLlm_AppHost.ProjectPath, "--no-build", "--",
                "--publisher", "manifest", "--output-path", manifestPath,
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // A key configured on the developer's machine must not reach the manifest.
        start.Environment["Parameters__llm-api-key"] = SecretValue;
        start.Environment["Parameters__inference-api-key"] = PredictKeyValue;
        start.Environment["Parameters__admin-api-key"] = AdminKeyValue;
        // Even with redis-server or Garnet forced locally, publish mode must use the Redis container.
        start.Environment["Redis__Mode"] = "garnet";

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(cts.Token);
        Assert.True(process.ExitCode == 0, $"manifest publish failed: {await stdout}{await stderr}");

        ManifestText = await File.ReadAllTextAsync(manifestPath);
        _resources = JsonNode.Parse(ManifestText)!["resources"]!.AsObject();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_output, recursive: true);
        return Task.CompletedTask;
    }

    private string ManifestText { get; set; } = string.Empty;

    [Fact]
    public void The_cache_is_the_redis_container_in_publish_mode()
    {
        var cache = _resources["cache"]!;
        Assert.Equal("container.v0", (string?)cache["type"]);
        Assert.StartsWith("docker.io/library/redis", (string?)cache["image"]);
        Assert.DoesNotContain(_resources, r => (string?)r.Value!["type"] == "executable.v0");
        Assert.DoesNotContain("GarnetHost", ManifestText);
    }

    [Fact]
    public void Inference_and_the_studio_are_the_only_external_endpoints()
    {
        var external = _resources
            .Where(r => r.Value!["bindings"] is JsonObject bindings && bindings.Any(b => (bool?)b.Value!["external"] == true))
            .Select(r => r.Key)
            .ToList();
        Assert.Equal(["inference", "studio"], external.Order(StringComparer.Ordinal));
        Assert.Equal("project.v0", (string?)_resources["trainer"]!["type"]);
    }

    [Fact]
    public void The_api_key_is_only_a_secret_parameter_reference_never_a_value()
    {
        var key = _resources["llm-api-key"]!;
        Assert.Equal("parameter.v0", (string?)key["type"]);
        Assert.True((bool?)key["inputs"]!["value"]!["secret"]);
        Assert.Null(key["inputs"]!["value"]!["default"]);
        Assert.DoesNotContain(SecretValue, ManifestText);
        foreach (var service in new[] { "trainer", "inference" })
        {
            Assert.Equal("{llm-api-key.value}", (string?)_resources[service]!["env"]!["Llm__ApiKey"]);
        }
    }

    [Fact]
    public void The_module_signing_key_is_a_secret_parameter_both_services_reference()
    {
        var key = _resources["module-signing-key"]!;
        Assert.Equal("parameter.v0", (string?)key["type"]);
        Assert.True((bool?)key["inputs"]!["value"]!["secret"]);
        foreach (var service in new[] { "trainer", "inference" })
        {
            Assert.Equal("{module-signing-key.value}", (string?)_resources[service]!["env"]!["ModuleSigning__Key"]);
        }
    }

    [Theory]
    [InlineData("inference-api-key", "Auth__ApiKeys__Predict")]
    [InlineData("admin-api-key", "Auth__ApiKeys__Admin")]
    public void Both_api_keys_are_required_secret_parameters_handed_to_both_services_and_never_a_value(string parameter, string variable)
    {
        var key = _resources[parameter]!;
        Assert.Equal("parameter.v0", (string?)key["type"]);
        Assert.True((bool?)key["inputs"]!["value"]!["secret"]);
        // No default: azd prompts for it and stores it as an ACA secret.
        Assert.Null(key["inputs"]!["value"]!["default"]);
        Assert.Equal($"{{{parameter}.inputs.value}}", (string?)key["value"]);
        Assert.DoesNotContain(PredictKeyValue, ManifestText);
        Assert.DoesNotContain(AdminKeyValue, ManifestText);
        foreach (var service in new[] { "trainer", "inference" })
        {
            Assert.Equal($"{{{parameter}.value}}", (string?)_resources[service]!["env"]![variable]);
        }
    }

    [Fact]
    public void The_studio_signs_in_and_calls_the_services_with_the_admin_key_parameter()
    {
        Assert.Equal("{admin-api-key.value}", (string?)_resources["studio"]!["env"]!["Auth__AdminApiKey"]);
    }

    [Fact]
    public void Inference_gets_the_rate_limit_of_600_requests_per_minute_by_default()
    {
        Assert.Equal("600", (string?)_resources["inference"]!["env"]!["RateLimit__PermitsPerMinute"]);
    }
}
