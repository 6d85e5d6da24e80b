using LogiLlm.Optimizers;
using LogiLlm.Tests.Shared;
using Microsoft.Extensions.AI;

namespace LogiLlm.Core.Tests.Optimizers;

public class EvaluatorTests
{
    private static string LastUser(IReadOnlyList<ChatMessage> messages) => messages.Last(m => m.Role == ChatRole.User).Text;

    [Fact]
    public async Task Results_follow_dataset_order_not_completion_order_and_concurrency_stays_bounded()
    {
        var examples = OptimizerTestKit.Emails(12);
        // Earlier examples answer later, so completion order is roughly reversed.
        var client = new DelegateChatClient(async (messages, _, ct) =>
        {
            var text = LastUser(messages);
            var index = int.Parse(text[(text.IndexOf("Message ", StringComparison.Ordinal) + 8)..text.IndexOf(':', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(10 + ((12 - index) * 5), ct);
            return OptimizerTestKit.LabelOf(text);
        });
        var progress = new OptimizerTestKit.Recorder<EvaluationProgress>();

        var result = await new Evaluator(new AccuracyMetric("category"), maxConcurrency: 3)
            .EvaluateAsync(OptimizerTestKit.Classifier(client), examples, progress);

        Assert.Equal(Enumerable.Range(0, 12), result.Results.Select(r => r.Index));
        Assert.Equal(examples, result.Results.Select(r => r.Example));
        Assert.Equal(1.0, result.MeanScore);
        Assert.Equal(0, result.Failures);
        Assert.InRange(client.MaxInFlight, 1, 3);
        Assert.Equal(12, client.Calls);
        Assert.Equal(12, progress.Items.Count);
        Assert.Equal(12, progress.Items.Max(p => p.Completed));
        Assert.All(progress.Items, p => Assert.Equal(12, p.Total));
    }

    [Fact]
    public async Task Provider_exceptions_and_failed_predictions_score_zero_and_are_counted_not_thrown()
    {
        var examples = new[]
        {
            Example.Create(new { email = "ok 1" }, new { count = 1 }),
            Example.Create(new { email = "boom" }, new { count = 2 }),
            Example.Create(new { email = "garbled" }, new { count = 3 }),
            Example.Create(new { email = "ok 4" }, new { count = 4 }),
        };
        var client = new DelegateChatClient((messages, _, _) =>
        {
            var text = LastUser(messages);
            if (text.Contains("boom", StringComparison.Ordinal))
            {
                throw new HttpRequestException("503 from provider");
            }

            return Task.FromResult(text.Contains("garbled", StringComparison.Ordinal) ? "not a number" : System.Text.RegularExpressions.Regex.Match(text, @"ok (\d)").Groups[1].Value);
        });
        var module = new Predict("email: str -> count: int") { Provider = new LogiLlm.Providers.Provider("scripted", "m", client) };

        var result = await new Evaluator(new AccuracyMetric("count")).EvaluateAsync(module, examples);

        Assert.Equal([1.0, 0, 0, 1.0], result.Results.Select(r => r.Score));
        Assert.Equal(2, result.Failures);
        Assert.Equal(0.5, result.MeanScore);
        Assert.Contains("503", result.Results[1].Error);
        Assert.Null(result.Results[1].Prediction);
        Assert.False(result.Results[2].Prediction!.Success);
        Assert.NotNull(result.Results[2].Error);
        Assert.True(result.Results[0].Succeeded);
    }

    [Fact]
    public async Task A_throwing_metric_counts_as_a_failure()
    {
        var client = new DelegateChatClient((_, _, _) => Task.FromResult("refund_request"));
        var metric = new DelegateMetric("broken", new Func<Example, Prediction, double>((_, _) => throw new InvalidOperationException("metric bug")));

        var result = await new Evaluator(metric).EvaluateAsync(OptimizerTestKit.Classifier(client), OptimizerTestKit.Emails(3));

        Assert.Equal(3, result.Failures);
        Assert.All(result.Results, r => Assert.Contains("metric bug", r.Error));
    }

    [Fact]
    public async Task Cancellation_is_thrown_and_stops_further_calls()
    {
        using var cts = new CancellationTokenSource();
        var client = new DelegateChatClient(async (_, _, ct) =>
        {
            await Task.Delay(5, ct);
            return "x";
        });
        var progress = new CancelAfter(cts, 5);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new Evaluator(new AccuracyMetric("category"), maxConcurrency: 2).EvaluateAsync(OptimizerTestKit.Classifier(client), OptimizerTestKit.Emails(200), progress, cts.Token));

        Assert.InRange(client.Calls, 5, 20);
    }

    [Fact]
    public async Task An_empty_dataset_scores_zero_without_calls()
    {
        var client = new DelegateChatClient((_, _, _) => Task.FromResult("x"));

        var result = await new Evaluator(new ExactMatchMetric()).EvaluateAsync(OptimizerTestKit.Classifier(client), []);

        Assert.Equal(0, result.Count);
        Assert.Equal(0, result.MeanScore);
        Assert.Equal(0, client.Calls);
    }

    private sealed class CancelAfter(CancellationTokenSource cts, int count) : IProgress<EvaluationProgress>
    {
        public void Report(EvaluationProgress value)
        {
            if (value.Completed >= count)
            {
                cts.Cancel();
            }
        }
    }
}
