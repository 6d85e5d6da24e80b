using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LogiLlm.Inference.Tests;

/// <summary><c>Inference:ModulesPath</c>: a folder of module files served by file name, loaded and validated at start-up, without a trainer.</summary>
public sealed class BakedModulesTests : IDisposable
{
    private readonly RedisServerProcess _redis = RedisServerProcess.Start();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "logillm-inference-tests", "baked-" + Guid.NewGuid().ToString("n"));

    public BakedModulesTests() => Directory.CreateDirectory(_folder);

    [Fact]
    public async Task Every_module_file_of_the_folder_is_served_by_its_file_name_without_a_trainer()
    {
        File.Copy(SharedPaths.Fixture("optimized.json"), Path.Combine(_folder, "email_classifier.json"));
        File.Copy(SharedPaths.Fixture("basic.json"), Path.Combine(_folder, "basic-module.json"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "README.txt"), "not a module, ignored");
        using var factory = new InferenceFactory(_redis, _folder);
        using var client = factory.CreateClient();

        foreach (var reference in new[] { "email_classifier", "email_classifier@latest", "email_classifier@1", "email_classifier@production" })
        {
            using var response = await client.PostAsJsonAsync($"/api/modules/{reference}/predict", new { inputs = new { email = "I want my money back" } });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var json = JsonNode.Parse(body)!;
            Assert.Equal("email_classifier", (string?)json["module"]);
            Assert.Equal(1, (int)json["version"]!);
            Assert.Equal("refund_request", (string?)json["outputs"]!["category"]);
        }

        using var describe = await client.GetAsync("/api/modules/basic-module");
        Assert.Equal(HttpStatusCode.OK, describe.StatusCode);

        using var otherVersion = await client.GetAsync("/api/modules/email_classifier@2");
        Assert.Equal(HttpStatusCode.NotFound, otherVersion.StatusCode);
        Assert.Contains("baked module", await otherVersion.Content.ReadAsStringAsync());

        // Names not in the folder still go to the registry, which is down here.
        using var notBaked = await client.GetAsync("/api/modules/elsewhere");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notBaked.StatusCode);
    }

    [Fact]
    public void A_baked_file_that_does_not_load_stops_the_start_with_its_name()
    {
        File.Copy(SharedPaths.Fixture("optimized.json"), Path.Combine(_folder, "good.json"));
        File.WriteAllText(Path.Combine(_folder, "broken.json"), "{\"module_type\": \"Predict\", \"signature\": ");
        using var factory = new InferenceFactory(_redis, _folder);
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        var message = Messages(error);
        Assert.Contains("broken.json", message);
        Assert.Contains("does not load", message);
    }

    [Fact]
    public void A_missing_folder_stops_the_start()
    {
        using var factory = new InferenceFactory(_redis, Path.Combine(_folder, "missing"));
        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        Assert.Contains("Inference:ModulesPath", Messages(error));
    }

    public void Dispose()
    {
        _redis.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string Messages(Exception e)
    {
        var all = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            all.Add(x.Message);
            if (x is AggregateException aggregate)
            {
                all.AddRange(aggregate.InnerExceptions.Select(i => i.Message));
            }
        }

        return string.Join(" | ", all);
    }

    private sealed class InferenceFactory(RedisServerProcess redis, string folder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:cache", redis.ConnectionString);
            builder.UseSetting("Llm:Provider", "mock");
            builder.UseSetting("Inference:ModulesPath", folder);
            // No trainer: nothing listens on the discard port.
            builder.UseSetting("Trainer:BaseAddress", "http://127.0.0.1:9");
        }
    }
}
