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
    private const string StorageSecret = "c3RvcmFnZS1rZXktbmV2ZXItaW4tYS1tYW5pZmVzdA==";
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
        // Nor may a local file or Azurite registry, or a storage key set on this machine, reach the deployment.
        start.Environment["Registry__Store"] = "file";
        start.Environment["Registry__Path"] = "/tmp/local-registry";
        start.Environment["Parameters__registry-storage"] = $"DefaultEndpointsProtocol=https;AccountName=prod;AccountKey={StorageSecret}";
        start.Environment["ConnectionStrings__registry-storage"] = $"DefaultEndpointsProtocol=https;AccountName=prod;AccountKey={StorageSecret}";

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

    [Fact]
    public void The_trainer_registry_is_blob_storage_through_a_secret_connection_string_parameter()
    {
        var storage = _resources["registry-storage"]!;
        Assert.Equal("parameter.v0", (string?)storage["type"]);
        Assert.Equal("{registry-storage.value}", (string?)storage["connectionString"]);
        Assert.True((bool?)storage["inputs"]!["value"]!["secret"]);
        Assert.Null(storage["inputs"]!["value"]!["default"]);

        var env = _resources["trainer"]!["env"]!.AsObject();
        Assert.Equal("blob", (string?)env["Registry__Store"]);
        Assert.Equal("{registry-storage.connectionString}", (string?)env["ConnectionStrings__registry-storage"]);
        Assert.DoesNotContain(env, e => e.Key.StartsWith("Registry__Path", StringComparison.Ordinal));
        Assert.DoesNotContain(StorageSecret, ManifestText);
        Assert.DoesNotContain("local-registry", ManifestText);
        Assert.DoesNotContain("azurite", ManifestText, StringComparison.OrdinalIgnoreCase);

        // Nothing of the registry lives on a container's disk: the trainer has no volume.
        Assert.Null(_resources["trainer"]!["volumes"]);
    }

    [Fact]
    public void The_cache_keeps_its_data_on_a_volume_with_an_append_only_file()
    {
        var cache = _resources["cache"]!;
        var volume = Assert.Single(cache["volumes"]!.AsArray());
        Assert.Equal("/data", (string?)volume!["target"]);
        Assert.False((bool?)volume["readOnly"]);
        var command = string.Join(' ', cache["args"]!.AsArray().Select(a => (string?)a));
        Assert.Contains("--appendonly yes", command, StringComparison.Ordinal);
        Assert.Contains("--requirepass $REDIS_PASSWORD", command, StringComparison.Ordinal);
        Assert.Equal("{cache-password.value}", (string?)cache["env"]!["REDIS_PASSWORD"]);
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
        Assert.Equal("{admin-api-key.value}", (string?)_resources["studio"]!["env"]!["Auth__ApiKeys__Admin"]);
    }

    [Fact]
    public void Inference_gets_the_rate_limit_of_600_requests_per_minute_by_default()
    {
        Assert.Equal("600", (string?)_resources["inference"]!["env"]!["RateLimit__PermitsPerMinute"]);
    }
}
