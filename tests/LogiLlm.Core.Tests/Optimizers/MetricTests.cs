using LogiLlm.Optimizers;

namespace LogiLlm.Core.Tests.Optimizers;

public class MetricTests
{
    private static Prediction Predicted(object outputs) =>
        new(LogiLlm.Signatures.FieldValueJson.Normalize(outputs) as IReadOnlyDictionary<string, object?> ?? throw new ArgumentException("outputs"));

    [Fact]
    public void AccuracyMetric_is_exact_by_default_and_normalises_only_when_asked()
    {
        var example = Example.Create(new { email = "x" }, new { category = "Refund" });

        Assert.Equal(1, new AccuracyMetric("category").Score(example, Predicted(new { category = "Refund" })));
        Assert.Equal(0, new AccuracyMetric("category").Score(example, Predicted(new { category = " refund " })));
        Assert.Equal(0, new AccuracyMetric("category", trim: true).Score(example, Predicted(new { category = " refund " })));
        Assert.Equal(1, new AccuracyMetric("category", trim: true, ignoreCase: true).Score(example, Predicted(new { category = " refund " })));
        Assert.Equal("accuracy(category)", new AccuracyMetric("category").Name);
    }

    [Fact]
    public void AccuracyMetric_scores_zero_for_a_failed_prediction_or_a_missing_field_and_compares_numbers_by_value()
    {
        var example = Example.Create(new { q = "x" }, new { answer = 3, category = "a" });

        Assert.Equal(0, new AccuracyMetric("category").Score(example, Prediction.Failure("bad reply")));
        Assert.Equal(0, new AccuracyMetric("category").Score(example, Predicted(new { answer = 3L })));
        Assert.Equal(1, new AccuracyMetric("answer").Score(example, Predicted(new { answer = 3L })));
        Assert.Equal(0, new AccuracyMetric("answer").Score(example, Predicted(new { answer = 4L })));
    }

    [Fact]
    public void ExactMatchMetric_needs_every_expected_output_to_match()
    {
        var example = Example.Create(new { q = "x" }, new { a = "one", b = "two" });

        Assert.Equal(1, new ExactMatchMetric().Score(example, Predicted(new { a = "one", b = "two", extra = "ignored" })));
        Assert.Equal(0, new ExactMatchMetric().Score(example, Predicted(new { a = "one", b = "three" })));
        Assert.Equal(0, new ExactMatchMetric().Score(example, Predicted(new { a = "one" })));
        Assert.Equal(1, new ExactMatchMetric(ignoreCase: true).Score(example, Predicted(new { a = "ONE", b = "Two" })));
    }

    [Fact]
    public void F1Metric_scores_token_overlap()
    {
        var example = Example.Create(new { q = "x" }, new { answer = "the quick brown fox" });

        Assert.Equal(1, new F1Metric("answer").Score(example, Predicted(new { answer = "The quick, brown fox!" })), 6);
        Assert.Equal(0, new F1Metric("answer").Score(example, Predicted(new { answer = "lazy dog" })));
        // 2 shared tokens: precision 2/3, recall 2/4 -> F1 = 4/7.
        Assert.Equal(4.0 / 7, new F1Metric("answer").Score(example, Predicted(new { answer = "quick fox jumps" })), 6);
        Assert.Equal(4.0 / 7, new F1Metric().Score(example, Predicted(new { answer = "quick fox jumps" })), 6);
        Assert.Equal(1, F1Metric.Compute("", ""));
    }

    [Fact]
    public void DelegateMetric_clamps_into_the_unit_interval()
    {
        var example = Example.Create(new { q = "x" }, new { a = "y" });
        var prediction = Predicted(new { a = "y" });

        Assert.Equal(1, new DelegateMetric("big", (_, _) => 7.5).Score(example, prediction));
        Assert.Equal(0, new DelegateMetric("negative", (_, _) => -1).Score(example, prediction));
        Assert.Equal(0, new DelegateMetric("nan", (_, _) => double.NaN).Score(example, prediction));
        Assert.Equal(1, new DelegateMetric("bool", (e, p) => p.Get<string>("a") == "y").Score(example, prediction));
        Assert.Equal("bool", new DelegateMetric("bool", (e, p) => true).Name);
    }
}
