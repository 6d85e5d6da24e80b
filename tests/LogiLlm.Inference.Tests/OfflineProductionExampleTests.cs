using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace LogiLlm.Inference.Tests;

/// <summary>The page's production example, trained and served offline through the APIs on the local model.</summary>
public sealed class OfflineProductionExampleTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly ServicePair _services = new(inference: ServiceSetup.Setting("Llm:Provider", "local"));

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Production_signature_trained_on_rows_with_only_a_category_serves_a_category_and_a_confidence_for_every_dev_email()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var trainer = _services.CreateTrainerClient();
        using var inference = _services.CreateInferenceClient();

        // No optimizer: the documented default (labeled-few-shot; on the local model every training row becomes a demo).
        var id = await TrainingJobsApiClient.CreateAsync(trainer, new
        {
            module = "email-classifier",
            signature = "email: str -> category: str, confidence: float",
            sampleDataset = "emails",
        }, cts.Token);
        var events = await TrainingJobsApiClient.FollowAsync(trainer, id, cts.Token);
        var job = events[^1].Job;
        Assert.True((string?)job["status"] == "succeeded", job.ToJsonString());
        output.WriteLine($"job result: {job["result"]!.ToJsonString()}");
        Assert.True((double)job["result"]!["bestScore"]! > (double)job["result"]!["baselineScore"]!, job.ToJsonString());

        var dev = Optimizers.Dataset.ParseJsonl(LocalModel.SampleDatasets.Get("emails").DevJsonl);
        var labels = dev.Select(e => (string)e.Outputs["category"]!).ToHashSet();
        using var response = await inference.PostAsJsonAsync(
            "/api/modules/email-classifier/predict-batch",
            new { items = dev.Select(e => new { inputs = new { email = (string)e.Inputs["email"]! } }).ToArray() },
            cts.Token);
        var body = await response.Content.ReadAsStringAsync(cts.Token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var results = JsonNode.Parse(body)!["results"]!.AsArray();
        Assert.Equal(dev.Count, results.Count);

        var scored = new List<(double Confidence, bool Correct)>();
        for (var i = 0; i < dev.Count; i++)
        {
            var outputs = results[i]!["outputs"]!;
            var category = (string)outputs["category"]!;
            var confidence = (double)outputs["confidence"]!;
            Assert.Contains(category, labels);
            Assert.InRange(confidence, 0.0, 1.0);
            scored.Add((confidence, category == (string)dev[i].Outputs["category"]!));
        }

        var ordered = scored.Select((s, i) => (s, i)).OrderByDescending(x => x.s.Confidence).ThenBy(x => x.i).Select(x => x.s).ToList();
        var half = ordered.Count / 2;
        var top = ordered.Take(half).Average(s => s.Correct ? 1.0 : 0.0);
        var bottom = ordered.Skip(half).Average(s => s.Correct ? 1.0 : 0.0);
        output.WriteLine($"served dev accuracy {scored.Average(s => s.Correct ? 1.0 : 0.0):0.000}; top half by confidence {top:0.000}, bottom half {bottom:0.000}");
        Assert.True(top >= bottom, $"top half {top:0.000} < bottom half {bottom:0.000}");
    }
}
