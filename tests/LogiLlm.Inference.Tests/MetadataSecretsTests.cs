using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace LogiLlm.Inference.Tests;

public sealed class MetadataSecretsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Credentials_in_imported_metadata_are_neither_stored_nor_served_and_the_rest_of_the_metadata_is()
    {
        using var services = new ServicePair();
        using var cts = new CancellationTokenSource(Timeout);
        var document = JsonNode.Parse(await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cts.Token))!;
        var metadata = document["metadata"]!.AsObject();
        metadata["api_key"] = "sk-live-0123456789abcdef";
        metadata["ｐａｓｓｗｏｒｄ"] = "hunter2hunter2";
        metadata["optimization"] = new JsonObject
        {
            ["optimizer"] = "labeled-few-shot",
            ["teacher"] = new JsonObject { ["headers"] = new JsonObject { ["Authorization"] = "Bearer abcdefgh12345678" } },
            ["dataset"] = "https://acct.blob.core.windows.net/d/train.jsonl?sv=2022-11-02&sig=abcDEF123",
        };
        document["demo_manager"]!["demos"]![0]!["metadata"] = new JsonObject { ["google"] = "AIzaSyD-1234567890abcdefghijklmnopqrstu", ["row"] = 3 };
        using var trainer = services.CreateTrainerClient();
        using var inference = services.CreateInferenceClient();

        using var imported = await trainer.PostAsync("/api/modules/leaky/versions", new StringContent(document.ToJsonString(), Encoding.UTF8, "application/json"), cts.Token);
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var stored = await trainer.GetStringAsync("/api/modules/leaky/versions/1", cts.Token);
        var described = await inference.GetStringAsync("/api/modules/leaky", cts.Token);

        foreach (var secret in new[] { "sk-live", "hunter2", "Bearer", "sig=abc", "AIzaSy" })
        {
            Assert.DoesNotContain(secret, stored);
            Assert.DoesNotContain(secret, described);
        }

        var lineage = JsonNode.Parse(described)!["lineage"]!;
        Assert.Equal("labeled-few-shot", (string?)lineage["optimizer"]);
        Assert.Equal(0.87, (double)JsonNode.Parse(stored)!["metadata"]!["performance_metrics"]!["accuracy"]!);
        Assert.Equal(3, (int)JsonNode.Parse(stored)!["demo_manager"]!["demos"]![0]!["metadata"]!["row"]!);
    }
}
