using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Tests.Shared;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using StackExchange.Redis;

namespace LogiLlm.Trainer.Tests.Hostile;

/// <summary>Requests an attacker would send to the trainer: each is a 4xx ProblemDetails naming the problem, and nothing is written or queued.</summary>
public sealed class HostileRequestTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TrainerFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    internal static string NestedList(int depth) =>
        string.Concat(Enumerable.Repeat("list[", depth)) + "str" + new string(']', depth);

    [Fact]
    public async Task A_training_job_whose_signature_nests_7000_levels_is_a_400_naming_the_signature_and_nothing_is_queued()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = _factory.CreateClient();
        var signature = $"x: {NestedList(7000)} -> y: str";

        using var response = await client.PostAsJsonAsync("/api/training-jobs", new
        {
            module = "deep",
            signature,
            trainset = new[] { new { inputs = new { x = "a" }, outputs = new { y = "b" } } },
        }, cts.Token);

        var problem = await HostileAssert.ProblemAsync(response, HttpStatusCode.BadRequest, cts.Token);
        Assert.Contains("signature", problem["errors"]!.AsObject().Select(e => e.Key));
        await HostileAssert.NothingQueuedAsync(_factory.Redis, cts.Token);
    }

    [Theory]
    [InlineData(40, "nested more than 32 levels")]
    [InlineData(7000, "at most 16384 are accepted")]
    public async Task Importing_a_file_whose_field_type_nests_deeply_is_a_400_naming_its_json_path_and_nothing_is_written(int depth, string reason)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = _factory.CreateClient();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(SharedPaths.Fixture("basic.json"), cts.Token))!;
        document["signature"]!["input_fields"]!["email"]!["type"] = NestedList(depth);

        using var response = await client.PostAsync("/api/modules/deep/versions", Json(document.ToJsonString()), cts.Token);

        var problem = await HostileAssert.ProblemAsync(response, HttpStatusCode.BadRequest, cts.Token);
        Assert.Equal("$.signature.input_fields.email.type", (string?)problem["jsonPath"]);
        Assert.Contains(reason, (string?)problem["detail"]);
        Assert.True(((string?)problem["detail"])!.Length < 1000, "The answer must not echo the hostile text.");
        HostileAssert.NothingWritten(_factory.RegistryPath);
    }

    [Theory]
    [InlineData("/api/modules/emails/aliases/prod", "PUT")]
    [InlineData("/api/training-jobs", "POST")]
    [InlineData("/api/modules/emails/versions", "POST")]
    public async Task A_body_that_is_not_json_is_a_400_problem(string path, string method)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = _factory.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Json("{") }, cts.Token);

        await HostileAssert.ProblemAsync(response, HttpStatusCode.BadRequest, cts.Token);
        HostileAssert.NothingWritten(_factory.RegistryPath);
        await HostileAssert.NothingQueuedAsync(_factory.Redis, cts.Token);
    }

    [Theory]
    [InlineData("/api/modules/-bad/aliases/prod")]
    [InlineData("/api/modules/a%20b/aliases/prod")]
    [InlineData("/api/modules/..%2F..%2Fetc/aliases/prod")]
    public async Task Setting_an_alias_of_an_invalid_module_name_is_a_400_naming_the_name(string path)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = _factory.CreateClient();

        using var response = await client.PutAsJsonAsync(path, new { version = 1 }, cts.Token);

        var problem = await HostileAssert.ProblemAsync(response, HttpStatusCode.BadRequest, cts.Token);
        Assert.Contains("name", problem["errors"]!.AsObject().Select(e => e.Key));
        HostileAssert.NothingWritten(_factory.RegistryPath);
    }

    [Theory]
    [InlineData("/api/modules/-bad/versions")]
    [InlineData("/api/modules/a%20b/versions")]
    public async Task Listing_the_versions_of_an_invalid_module_name_is_a_400(string path)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = _factory.CreateClient();

        using var response = await client.GetAsync(path, cts.Token);

        var problem = await HostileAssert.ProblemAsync(response, HttpStatusCode.BadRequest, cts.Token);
        Assert.Equal("Invalid module name", (string?)problem["title"]);
    }

    [Theory]
    [InlineData("5.0")]
    [InlineData("1e1")]
    [InlineData("5.5")]
    [InlineData("\"5\"")]
    [InlineData("1000")]
    public async Task A_whole_number_option_written_as_a_fraction_exponent_or_text_is_refused_before_anything_is_queued(string maxDemos)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var client = _factory.CreateClient();
        var body = $$$"""
            {"module": "typed", "signature": "x: str -> y: str", "optimizer": {"type": "labeled-few-shot", "maxDemos": {{{maxDemos}}}},
             "trainset": [{"inputs": {"x": "a"}, "outputs": {"y": "b"}}]}
            """;

        using var response = await client.PostAsync("/api/training-jobs", Json(body), cts.Token);

        var problem = await HostileAssert.ProblemAsync(response, HttpStatusCode.BadRequest, cts.Token);
        Assert.Contains("optimizer.maxDemos", problem["errors"]!.AsObject().Select(e => e.Key));
        await HostileAssert.NothingQueuedAsync(_factory.Redis, cts.Token);
    }

    [Fact]
    public async Task An_import_over_the_registry_limit_is_a_413_naming_the_limit_and_its_setting()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var small = _factory.WithWebHostBuilder(b => b.UseSetting("Registry:MaxDocumentBytes", "4096"));
        var client = small.CreateClient();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(SharedPaths.Fixture("basic.json"), cts.Token))!;
        document["metadata"]!["padding"] = new string('x', 8192);

        using var announced = await client.PostAsync("/api/modules/big/versions", Json(document.ToJsonString()), cts.Token);
        using var chunked = await client.PostAsync("/api/modules/big/versions", new ChunkedContent(document.ToJsonString()).Init(), cts.Token);

        foreach (var response in new[] { announced, chunked })
        {
            var problem = await HostileAssert.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, cts.Token);
            Assert.Equal("Registry:MaxDocumentBytes", (string?)problem["setting"]);
            Assert.Equal(4096, (long)problem["limitBytes"]!);
            Assert.Contains("4096", (string?)problem["detail"]);
        }

        HostileAssert.NothingWritten(_factory.RegistryPath);
    }

    [Fact]
    public async Task Over_kestrel_an_import_larger_than_kestrels_own_limit_but_within_the_registry_limit_is_accepted()
    {
        // Kestrel's limit (30 MB by default, 64 KB here to keep the test small) would answer a 500 before the import's own limit applied.
        using var cts = new CancellationTokenSource(Timeout);
        using var kestrel = new KestrelTrainer(_factory);
        kestrel.UseKestrel(0);
        var client = kestrel.CreateClient();
        var document = JsonNode.Parse(await File.ReadAllTextAsync(SharedPaths.Fixture("basic.json"), cts.Token))!;
        document["metadata"]!["padding"] = new string('x', 256 * 1024);

        using var response = await client.PostAsync("/api/modules/big/versions", Json(document.ToJsonString()), cts.Token);

        var body = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A body without Content-Length, so that only counting what is read can enforce the limit.</summary>
    private sealed class ChunkedContent(string body) : HttpContent
    {
        public ChunkedContent Init()
        {
            Headers.ContentType = new("application/json");
            return this;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(Encoding.UTF8.GetBytes(body)).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private sealed class KestrelTrainer(TrainerFactory factory) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("ConnectionStrings:cache", factory.Redis.ConnectionString);
            builder.UseSetting("Registry:Path", factory.RegistryPath);
            builder.UseSetting("Llm:Provider", "mock");
            builder.UseSetting("Kestrel:Limits:MaxRequestBodySize", "65536");
        }
    }
}
