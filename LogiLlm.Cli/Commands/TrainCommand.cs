using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LogiLlm.Optimizers;
using LogiLlm.Persistence;
using LogiLlm.Signatures;
using Spectre.Console;

namespace LogiLlm.Cli.Commands;

/// <summary>
/// <c>logillm train</c>: optimizes a <see cref="Predict"/> module on a JSONL dataset with live progress, prints
/// baseline, best, improvement and time, and saves the optimized module. Nothing is written when the run is
/// cancelled, fails, or scores under <c>--min-score</c>.
/// </summary>
public static class TrainCommand
{
    /// <summary>The optimizers <c>--optimizer</c> accepts.</summary>
    public static readonly string[] Optimizers = ["bootstrap-few-shot", "labeled-few-shot", "hyperparameter", "hybrid"];

    /// <summary>Creates the command.</summary>
    public static Command Create(CliEnvironment environment, GlobalOptions globals)
    {
        var signature = new Option<string>("--signature", "-s") { Description = "The signature, e.g. \"email: str -> category: str\".", Required = true };
        var data = new Option<string>("--data", "-d") { Description = "Training set: JSONL, one {\"inputs\": {...}, \"outputs\": {...}} per line.", Required = true };
        var valset = new Option<string?>("--valset") { Description = "Validation set (JSONL) to score candidates on; default: the training set." };
        var optimizer = new Option<string>("--optimizer") { Description = "The optimizer.", DefaultValueFactory = _ => "bootstrap-few-shot" };
        optimizer.AcceptOnlyFromAmong(Optimizers);
        var metric = new Option<string?>("--metric") { Description = "accuracy[:field] (default, on the first output), exact-match or f1[:field]." };
        var instructions = new Option<string?>("--instructions") { Description = "Instructions of the signature." };
        var seed = new Option<int>("--seed") { Description = "Seed of the optimizer (same seed + deterministic model = same result)." };
        var maxDemos = new Option<int?>("--max-demos") { Description = "Demos to keep: labeled-few-shot k (16), bootstrapped demos of bootstrap-few-shot/hybrid (4)." };
        var maxLabeled = new Option<int?>("--max-labeled-demos") { Description = "Labeled demos of bootstrap-few-shot/hybrid (16)." };
        var trials = new Option<int?>("--trials") { Description = "Trials of hyperparameter (20) and hybrid (10)." };
        var concurrency = new Option<int>("--concurrency") { Description = "Model calls in flight at once.", DefaultValueFactory = _ => 4 };
        var output = new Option<string>("--out", "-o") { Description = "Where to save the optimized module, e.g. models/email_classifier.json.", Required = true };
        var minScore = new Option<double?>("--min-score") { Description = "Fail (exit code 1, nothing written) when the best score is under this." };

        var command = new Command("train", "Optimize a module on a dataset and save it.")
        {
            signature, data, valset, optimizer, metric, instructions, seed, maxDemos, maxLabeled, trials, concurrency, output, minScore,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ctx = new CommandContext(parse, environment, globals, cancellationToken);
            var sig = Signature.Parse(parse.GetValue(signature)!, parse.GetValue(instructions));
            var scorer = MetricSpec.Create(parse.GetValue(metric), sig);
            var trainset = CliApp.LoadDataset(parse.GetValue(data), "--data");
            var validation = parse.GetValue(valset) is { } v ? CliApp.LoadDataset(v, "--valset") : null;
            CliApp.CheckFits(trainset, sig, MetricSpec.KeyOf(scorer), "--data");
            if (validation is not null)
            {
                CliApp.CheckFits(validation, sig, MetricSpec.KeyOf(scorer), "--valset");
            }

            var outPath = Path.GetFullPath(parse.GetValue(output)!);
            if (Directory.Exists(outPath))
            {
                throw CliException.BadInput($"--out '{parse.GetValue(output)}' is a directory; give a file name such as models/email_classifier.json.");
            }

            var threads = parse.GetValue(concurrency);
            if (threads < 1)
            {
                throw CliException.BadInput("--concurrency must be 1 or more.");
            }

            var module = new Predict(sig) { Provider = ctx.CreateProvider() };
            var reporter = new ProgressReporter();
            var options = new OptimizerOptions { Seed = parse.GetValue(seed), MaxConcurrency = threads, Progress = reporter };
            var chosen = CreateOptimizer(parse.GetValue(optimizer)!, scorer, options, parse.GetValue(maxDemos), parse.GetValue(maxLabeled), parse.GetValue(trials));
            ctx.Note($"Training [bold]{Markup.Escape(sig.ToString())}[/] with {chosen.Name} on {trainset.Count} examples"
                + (validation is null ? string.Empty : $", scored on {validation.Count}") + $", provider {Markup.Escape(module.Provider.Name)} ({Markup.Escape(module.Provider.Model)}).");

            var result = await RunWithProgressAsync(ctx, reporter, () =>
                chosen.OptimizeAsync(module, trainset, valset: validation, cancellationToken: cancellationToken));

            var floor = parse.GetValue(minScore);
            var passed = floor is null || result.BestScore >= floor;
            cancellationToken.ThrowIfCancellationRequested();
            if (passed)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
                ModuleSaver.SaveModule(result.OptimizedModule, outPath);
            }

            Report(ctx, result, scorer, outPath, passed ? outPath : null, floor);
            if (!passed)
            {
                throw CliException.Failed(string.Create(CultureInfo.InvariantCulture,
                    $"best score {result.BestScore:0.####} is under --min-score {floor}; {Path.GetFileName(outPath)} was not written."));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Optimizer CreateOptimizer(string name, IMetric metric, OptimizerOptions options, int? maxDemos, int? maxLabeled, int? trials)
    {
        try
        {
            return name switch
            {
                "labeled-few-shot" => new LabeledFewShot(metric, maxDemos ?? 16, options),
                "bootstrap-few-shot" => new BootstrapFewShot(
                    metric, maxDemos ?? BootstrapFewShot.DefaultMaxBootstrappedDemos, maxLabeled ?? BootstrapFewShot.DefaultMaxLabeledDemos, options: options),
                "hyperparameter" => new HyperparameterOptimizer(metric, trials: trials, options: options),
                "hybrid" => new HybridOptimizer(
                    metric, trials: trials, maxBootstrappedDemos: maxDemos ?? BootstrapFewShot.DefaultMaxBootstrappedDemos, maxLabeledDemos: maxLabeled ?? BootstrapFewShot.DefaultMaxLabeledDemos, options: options),
                _ => throw CliException.BadInput($"--optimizer '{name}' is not one of {string.Join(", ", Optimizers)}."),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw CliException.BadInput($"--optimizer {name}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    /// <summary>Runs the optimization under a live progress bar (a terminal) or progress lines on stderr.</summary>
    private static async Task<OptimizationResult> RunWithProgressAsync(CommandContext ctx, ProgressReporter reporter, Func<Task<OptimizationResult>> run)
    {
        if (!ctx.LiveProgress)
        {
            reporter.OnReport = p => ctx.Status(string.Create(CultureInfo.InvariantCulture,
                $"train: {p.Phase} {p.Completed}/{p.Total} best {(double.IsFinite(p.BestScore) ? p.BestScore.ToString("0.###", CultureInfo.InvariantCulture) : "-")}"));
            return await run();
        }

        OptimizationResult? result = null;
        await ctx.Environment.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("starting", maxValue: 1);
                reporter.OnReport = p =>
                {
                    task.MaxValue = Math.Max(p.Total, 1);
                    task.Value = p.Completed;
                    var best = double.IsFinite(p.BestScore) ? p.BestScore.ToString("0.###", CultureInfo.InvariantCulture) : "-";
                    task.Description = Markup.Escape($"{p.Phase,-16} trials {p.Completed}/{p.Total}  best {best}");
                };
                result = await run();
                task.Value = task.MaxValue;
            });
        return result!;
    }

    private static void Report(CommandContext ctx, OptimizationResult result, IMetric metric, string outPath, string? written, double? floor)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn(new TableColumn(Markup.Escape(metric.Name)).RightAligned());
        table.AddRow("baseline", result.BaselineScore.ToString("0.###", inv));
        table.AddRow("best", result.BestScore.ToString("0.###", inv));
        table.AddRow("improvement", result.Improvement.ToString("+0.###;-0.###;0", inv));
        table.AddRow("trials", result.History.Count.ToString(inv));
        table.AddRow("time", $"{result.Duration.TotalSeconds.ToString("0.0", inv)} s");
        ctx.Show(table);
        if (written is not null)
        {
            ctx.Note($"Saved [green]{Markup.Escape(written)}[/]");
        }

        ctx.WriteJson(new JsonObject
        {
            ["out"] = outPath,
            ["written"] = written is not null,
            ["metric"] = metric.Name,
            ["baselineScore"] = result.BaselineScore,
            ["bestScore"] = result.BestScore,
            ["improvement"] = result.Improvement,
            ["minScore"] = floor,
            ["trials"] = result.History.Count,
            ["seconds"] = Math.Round(result.Duration.TotalSeconds, 3),
            ["bestConfig"] = result.BestConfig.DeepClone(),
        });
    }

    /// <summary>Forwards the optimizer's reports to the current display (called from the optimizer's threads).</summary>
    private sealed class ProgressReporter : IProgress<OptimizationProgress>
    {
        private readonly Lock _gate = new();

        public Action<OptimizationProgress>? OnReport { get; set; }

        public void Report(OptimizationProgress value)
        {
            lock (_gate)
            {
                OnReport?.Invoke(value);
            }
        }
    }
}
