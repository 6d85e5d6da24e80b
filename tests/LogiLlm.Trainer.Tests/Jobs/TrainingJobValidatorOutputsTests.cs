using System.Text.Json.Nodes;
using LogiLlm.Trainer.Jobs;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>Rows need the outputs the metric reads, and no others (the emails sample carries only <c>category</c>).</summary>
public class TrainingJobValidatorOutputsTests
{
    private const string Production = "email: str -> category: str, confidence: float";

    private static readonly TrainingJobValidator Validator = new(new SampleDatasetCatalog(), Options.Create(new TrainingJobOptions()));

    private static TrainingExample Row(string email, JsonObject outputs) => new(new JsonObject { ["email"] = email }, outputs);

    private static TrainingJobRequest Request(string signature, IReadOnlyList<TrainingExample?>? trainset = null, string? sample = null, MetricRequest? metric = null) =>
        new("email-classifier", signature, null, trainset, null, sample, null, metric, null);

    [Fact]
    public void Rows_that_omit_an_output_the_metric_does_not_read_are_accepted_and_kept_as_they_are()
    {
        var ok = Validator.TryValidate(Request(Production, [Row("refund please", new JsonObject { ["category"] = "refund" })]), out var spec, out var errors);

        Assert.True(ok, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        var row = Assert.Single(spec!.Trainset!);
        Assert.Equal(["category"], row.Outputs!.Select(kv => kv.Key));
    }

    [Fact]
    public void The_emails_sample_fits_the_production_signature_although_its_rows_carry_only_the_category()
    {
        Assert.True(Validator.TryValidate(Request(Production, sample: "emails"), out var spec, out var errors), string.Join("; ", errors.Keys));
        Assert.Equal("labeled-few-shot", spec!.Optimizer.Type); // the documented default when optimizer is omitted
    }

    [Fact]
    public void A_row_without_the_output_the_metric_compares_is_named()
    {
        var request = Request(Production, [Row("a", new JsonObject { ["confidence"] = 0.5 })], metric: new MetricRequest(MetricType.Accuracy, "category"));

        Assert.False(Validator.TryValidate(request, out _, out var errors));
        Assert.Contains("trainset[0].outputs.category", errors.Keys);
        Assert.DoesNotContain("trainset[0].outputs.confidence", errors.Keys);
    }

    [Fact]
    public void Exact_match_needs_at_least_one_output_per_row()
    {
        var request = Request(Production, [Row("a", [])], metric: new MetricRequest(MetricType.ExactMatch, null));

        Assert.False(Validator.TryValidate(request, out _, out var errors));
        Assert.Contains("trainset[0].outputs", errors.Keys);
    }
}
