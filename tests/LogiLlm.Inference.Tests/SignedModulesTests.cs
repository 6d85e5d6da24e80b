using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LogiLlm.Inference.Tests;

/// <summary>With ModuleSigning:Key, the trainer signs what it publishes and inference serves only what that key signed.</summary>
public sealed class SignedModulesTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static async Task ImportAsync(ServicePair services, string name, CancellationToken cancellationToken)
    {
        using var trainer = services.CreateTrainerClient();
        var body = await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cancellationToken);
        using var response = await trainer.PostAsync($"/api/modules/{name}/versions", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static Task<HttpResponseMessage> PredictAsync(HttpClient inference, string name, CancellationToken cancellationToken) =>
        inference.PostAsJsonAsync($"/api/modules/{name}/predict", new { inputs = new { email = "My package never arrived" } }, cancellationToken);

    [Fact]
    public async Task The_trainer_signs_published_versions_and_inference_serves_them_with_the_same_key()
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        using var services = new ServicePair(trainer: ServiceSetup.Setting("ModuleSigning:Key", key), inference: ServiceSetup.Setting("ModuleSigning:Key", key));
        using var cts = new CancellationTokenSource(Timeout);
        await ImportAsync(services, "signed", cts.Token);

        using var trainer = services.CreateTrainerClient();
        var stored = JsonNode.Parse(await trainer.GetStringAsync("/api/modules/signed/versions/1", cts.Token))!;
        using var inference = services.CreateInferenceClient();
        using var response = await PredictAsync(inference, "signed", cts.Token);

        Assert.Equal("hmac-sha256", (string?)stored["seal"]!["algorithm"]);
        Assert.DoesNotContain(key, stored.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Inference_with_a_key_refuses_a_version_that_is_not_signed_with_it()
    {
        using var services = new ServicePair(inference: ServiceSetup.Setting("ModuleSigning:Key", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
        using var cts = new CancellationTokenSource(Timeout);
        await ImportAsync(services, "unsigned", cts.Token);

        using var inference = services.CreateInferenceClient();
        using var response = await PredictAsync(inference, "unsigned", cts.Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(cts.Token);
        Assert.Contains("not signed", (string?)problem!["detail"], StringComparison.Ordinal);
    }
}
