using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LogiLlm.Optimizers;
using LogiLlm.Signatures;
using Spectre.Console;

namespace LogiLlm.Cli.Commands;

/// <summary><c>logillm eval MODEL --data dev.jsonl</c>: the metric, a per-label table and the worst examples.</summary>
public static class EvalCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliEnvironment environment, GlobalOptions globals)
    {
        var model = new Argument<string>("MODEL") { Description = "The saved module file." };
        var data = new Option<string>("--data", "-d") { Description = "Labelled examples (JSONL).", Required = true };
        var metric = new Option<string?>("--metric") { Description = "accuracy[:field] (default, on the first output), exact-match or f1[:field]." };
        var worst = new Option<int>("--worst") { Description = "How many of the worst examples to show.", DefaultValueFactory = _ => 5 };
        var concurrency = new Option<int>("--concurrency") { Description = "Model calls in flight at once.", DefaultValueFactory = _ => 4 };
        var minScore = new Option<double?>("--min-score") { Description = "Fail (exit code 1) when the score is under this." };
        var command = new Command("eval", "Evaluate a saved module on a labelled dataset.") { model, data, metric, worst, concurrency, minScore };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ctx = new CommandContext(parse, environment, globals, cancellationToken);
            var module = ModuleFiles.LoadForCalls(ctx, parse.GetValue(model));
            var signature = module.Signature ?? throw CliException.BadInput("this module has no signature of its own (a composite program); evaluate it in code.");
            var scorer = MetricSpec.Create(parse.GetValue(metric), signature);
            var dataset = CliApp.LoadDataset(parse.GetValue(data), "--data");
            CliApp.CheckFits(dataset, signature, MetricSpec.KeyOf(scorer), "--data");
            var threads = parse.GetValue(concurrency);
            if (threads < 1 || parse.GetValue(worst) < 0)
            {
                throw CliException.BadInput("--concurrency must be 1 or more and --worst 0 or more.");
            }

            var evaluator = new Evaluator(scorer, threads);
            var evaluation = ctx.LiveProgress
                ? await ctx.Environment.Console.Status().StartAsync("evaluating", _ => evaluator.EvaluateAsync(module, dataset, cancellationToken: cancellationToken))
                : await evaluator.EvaluateAsync(module, dataset, cancellationToken: cancellationToken);

            var key = MetricSpec.KeyOf(scorer);
            var labels = key is null ? [] : PerLabel(evaluation, key);
            var worstResults = evaluation.Results.Where(r => r.Score < 1).OrderBy(r => r.Score).ThenBy(r => r.Index).Take(parse.GetValue(worst)).ToList();
            Render(ctx, evaluation, labels, worstResults, key);

            var floor = parse.GetValue(minScore);
            if (floor is { } f && evaluation.MeanScore < f)
            {
                throw CliException.Failed(string.Create(CultureInfo.InvariantCulture, $"{scorer.Name} = {evaluation.MeanScore:0.####} is under --min-score {f}."));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Score per expected label, and what the label was most often mistaken for.</summary>
    internal sealed record LabelRow(string Label, int Count, int Correct, double Score, string? MostConfusedWith);

    private static List<LabelRow> PerLabel(EvaluationResult evaluation, string key) =>
        evaluation.Results
            .GroupBy(r => Text(r.Example.Outputs.GetValueOrDefault(key)), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new LabelRow(
                g.Key,
                g.Count(),
                g.Count(r => r.Score >= 1),
                g.Average(r => r.Score),
                g.Where(r => r.Score < 1).Select(r => Predicted(r, key)).GroupBy(p => p).OrderByDescending(p => p.Count()).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).FirstOrDefault()))
            .ToList();

    private static void Render(CommandContext ctx, EvaluationResult evaluation, List<LabelRow> labels, List<ExampleResult> worst, string? key)
    {
        var inv = CultureInfo.InvariantCulture;
        ctx.Note($"[bold]{Markup.Escape(evaluation.MetricName)} = {evaluation.MeanScore.ToString("0.###", inv)}[/] over {evaluation.Count} examples ({evaluation.Failures} failed)");
        if (labels.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("label", "examples", "correct", "score", "most confused with");
            foreach (var row in labels)
            {
                table.AddRow(Markup.Escape(row.Label), row.Count.ToString(inv), row.Correct.ToString(inv), row.Score.ToString("0.###", inv), Markup.Escape(row.MostConfusedWith ?? "-"));
            }

            ctx.Show(table);
        }

        if (worst.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded).Title("worst examples").AddColumns("#", "input", "expected", "got", "score");
            foreach (var r in worst)
            {
                table.AddRow(
                    (r.Index + 1).ToString(inv),
                    Markup.Escape(Shorten(string.Join(" | ", r.Example.Inputs.Values.Select(Text)), 70)),
                    Markup.Escape(key is null ? Shorten(string.Join(", ", r.Example.Outputs.Select(o => $"{o.Key}={Text(o.Value)}")), 40) : Text(r.Example.Outputs.GetValueOrDefault(key))),
                    Markup.Escape(r.Error is { } e ? Shorten("error: " + e, 50) : key is null ? Shorten(string.Join(", ", r.Prediction!.Outputs.Select(o => $"{o.Key}={o.Value}")), 40) : Predicted(r, key)),
                    r.Score.ToString("0.###", inv));
            }

            ctx.Show(table);
        }

        ctx.WriteJson(new JsonObject
        {
            ["metric"] = evaluation.MetricName,
            ["score"] = evaluation.MeanScore,
            ["count"] = evaluation.Count,
            ["failures"] = evaluation.Failures,
            ["labels"] = new JsonArray(labels.Select(l => (JsonNode)new JsonObject
            {
                ["label"] = l.Label,
                ["count"] = l.Count,
                ["correct"] = l.Correct,
                ["score"] = l.Score,
                ["mostConfusedWith"] = l.MostConfusedWith,
            }).ToArray()),
            ["worst"] = new JsonArray(worst.Select(r => (JsonNode)new JsonObject
            {
                ["index"] = r.Index,
                ["inputs"] = r.Example.ToJson()["inputs"]!.DeepClone(),
                ["expected"] = r.Example.ToJson()["outputs"]!.DeepClone(),
                ["outputs"] = r.Prediction is { Success: true } p ? FieldValueJson.ToJsonNode(p.Outputs) : null,
                ["score"] = r.Score,
                ["error"] = r.Error,
            }).ToArray()),
        });
    }

    private static string Predicted(ExampleResult r, string key) =>
        r.Error is not null ? "(failed)" : r.Prediction?.Outputs.GetValueOrDefault(key) is { } v ? FieldValueJson.ToJsonNode(v) is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : FieldValueJson.ToJsonText(v) : "(none)";

    private static string Text(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "(none)";

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
