using LogiLlm.Demos;
using LogiLlm.Providers;
using Xunit.Abstractions;

namespace LogiLlm.LocalModel.Tests;

/// <summary>The production signature offline: a confidence the model grounds itself, and label sets it reads from prose.</summary>
[Collection(LocalModelCollection.Name)]
public class ConfidenceAndLabelSetTests(LocalModelFixture fixture, ITestOutputHelper output)
{
    private const string Production = "email: str -> category: str, confidence: float";

    [Fact]
    public async Task Production_signature_with_demos_that_carry_only_the_category_answers_a_category_and_a_calibrated_confidence()
    {
        var module = new Predict(Production) { Provider = fixture.Provider };
        module.DemoManager.MaxDemos = fixture.Train.Count;
        foreach (var row in fixture.Train)
        {
            module.DemoManager.Add(LocalModelFixture.ToDemo(row)); // outputs: category only
        }

        var labels = fixture.Train.Select(r => (string)r["outputs"]!["category"]!).ToHashSet();
        var results = new List<(double Confidence, bool Correct)>();
        foreach (var row in fixture.Dev)
        {
            var prediction = await module.InvokeAsync(new { email = (string)row["inputs"]!["email"]! });
            Assert.True(prediction.Success, prediction.Error);
            var category = Assert.IsType<string>(prediction.Outputs["category"]);
            Assert.Contains(category, labels);
            var confidence = Assert.IsType<double>(prediction.Outputs["confidence"]);
            Assert.InRange(confidence, 0.0, 1.0);
            results.Add((confidence, category == (string)row["outputs"]!["category"]!));
        }

        var (top, bottom, accuracy) = Halves(results);
        output.WriteLine($"dev accuracy {accuracy:0.000}, mean confidence {results.Average(r => r.Confidence):0.000}; top half by confidence {top:0.000}, bottom half {bottom:0.000}");
        Assert.True(top >= bottom, $"top half {top:0.000} < bottom half {bottom:0.000}");
        Assert.True(top > accuracy, $"the confident half ({top:0.000}) should beat the overall accuracy ({accuracy:0.000})");
    }

    [Fact]
    public async Task Production_signature_zero_shot_says_it_has_no_answer_with_confidence_zero_instead_of_failing()
    {
        var module = new Predict(Production) { Provider = fixture.Provider };

        var prediction = await module.InvokeAsync(new { email = "I was charged twice this month" });

        Assert.True(prediction.Success, prediction.Error);
        Assert.Equal(LocalModelOptions.DefaultNoAnswerText, prediction.Outputs["category"]);
        Assert.Equal(0.0, prediction.Outputs["confidence"]);
    }

    [Fact]
    public async Task Labels_listed_in_the_instructions_are_the_candidates_of_a_str_output_without_demos()
    {
        var labels = new[] { "cancellation", "order_status", "refund_request", "feedback", "billing_issue", "technical_support" };
        var module = new Predict(Signatures.Signature.Parse(Production, $"Classify the customer email into one of: {string.Join(", ", labels)}.")) { Provider = fixture.Provider };

        var correct = 0;
        foreach (var row in fixture.Dev)
        {
            var prediction = await module.InvokeAsync(new { email = (string)row["inputs"]!["email"]! });
            Assert.True(prediction.Success, prediction.Error);
            Assert.Contains((string)prediction.Outputs["category"]!, labels);
            Assert.InRange((double)prediction.Outputs["confidence"]!, 0.0, 1.0);
            correct += Equals(prediction.Outputs["category"], (string)row["outputs"]!["category"]!) ? 1 : 0;
        }

        var accuracy = (double)correct / fixture.Dev.Count;
        output.WriteLine($"zero-shot, labels from the instructions: dev accuracy {accuracy:0.000}");
        Assert.True(accuracy >= 0.4, $"zero-shot accuracy {accuracy:0.000}");
    }

    [Fact]
    public async Task Labels_quoted_in_a_field_description_are_the_candidates()
    {
        var signature = Signatures.Signature.Parse("text: str -> topic: str").WithDescription("topic", "'weather' or 'football'");
        var module = new Predict(signature) { Provider = fixture.Provider };

        var rain = await module.InvokeAsync(new { text = "Heavy rain, storms and strong wind are expected tomorrow" });
        var match = await module.InvokeAsync(new { text = "The striker scored twice and the team won the league" });

        Assert.Equal("weather", rain.Outputs["topic"]);
        Assert.Equal("football", match.Outputs["topic"]);
    }

    [Fact]
    public async Task Percent_and_flag_confidences_are_grounded_and_an_ungrounded_float_without_demos_is_a_provider_error()
    {
        var module = new Predict("email: str -> category: Literal['billing', 'shipping'], confidence_pct: int, sure: bool") { Provider = fixture.Provider };
        var prediction = await module.InvokeAsync(new { email = "My invoice shows a charge I do not recognise" });
        Assert.True(prediction.Success, prediction.Error);
        Assert.InRange(Assert.IsType<long>(prediction.Outputs["confidence_pct"]), 0L, 100L);
        Assert.IsType<bool>(prediction.Outputs["sure"]);

        var ungrounded = new Predict("email: str -> category: Literal['billing', 'shipping'], weight: float") { Provider = fixture.Provider };
        var e = await Assert.ThrowsAsync<ProviderException>(() => ungrounded.InvokeAsync(new { email = "Where is my parcel?" }));
        Assert.Contains("'weight'", e.Message);
    }

    [Fact]
    public async Task A_score_that_demos_show_outside_zero_to_one_is_copied_not_grounded()
    {
        var module = new Predict("review: str -> sentiment: Literal['pos', 'neg'], score: float") { Provider = fixture.Provider };
        module.DemoManager.Add(Demo.Create(new { review = "I hate this, awful" }, new { sentiment = "neg", score = -0.8 }));
        module.DemoManager.Add(Demo.Create(new { review = "Lovely product, great value" }, new { sentiment = "pos", score = 0.9 }));

        var prediction = await module.InvokeAsync(new { review = "awful, I hate it so much" });

        Assert.Equal("neg", prediction.Outputs["sentiment"]);
        Assert.Equal(-0.8, prediction.Outputs["score"]);
    }

    [Theory]
    [InlineData("Pick one of: cancellation, order_status or feedback.", "cancellation|order_status|feedback")]
    [InlineData("The label is 'spam' or 'ham'; nothing else.", "spam|ham")]
    [InlineData("Categories: `a`, `b`, `c`", "a|b|c")]
    [InlineData("Answer the question in one of several ways, as politely as you can and with detail.", "")]
    [InlineData("Given the fields `email`, produce the fields `category`.", "")]
    public void LabelListReader_finds_quoted_names_or_a_list_after_a_cue_and_ignores_prose(string text, string expected)
    {
        var labels = LabelListReader.Read(text, ["email", "category", "confidence"]);

        Assert.Equal(expected, string.Join("|", labels));
    }

    internal static (double Top, double Bottom, double Accuracy) Halves(List<(double Confidence, bool Correct)> results)
    {
        // Stable order: ties keep dataset order, so the split is deterministic.
        var ordered = results.Select((r, i) => (r, i)).OrderByDescending(x => x.r.Confidence).ThenBy(x => x.i).Select(x => x.r).ToList();
        var half = ordered.Count / 2;
        var top = ordered.Take(half).Average(r => r.Correct ? 1.0 : 0.0);
        var bottom = ordered.Skip(half).Average(r => r.Correct ? 1.0 : 0.0);
        return (top, bottom, results.Average(r => r.Correct ? 1.0 : 0.0));
    }
}
