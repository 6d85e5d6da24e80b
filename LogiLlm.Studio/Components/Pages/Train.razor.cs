using LogiLlm.Studio.Clients;
using LogiLlm.Studio.Training;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace LogiLlm.Studio.Components.Pages;

/// <summary>
/// The training page's state: the job form and its per-optimizer options, JSONL uploads, submitting, and following a
/// job's progress stream until it ends (markup in <c>Train.razor</c>).
/// </summary>
public sealed partial class Train : IDisposable
{
    private sealed record OptionSpec(string Name, string Hint, bool Integer = true, string[]? Choices = null);

    private static readonly Dictionary<string, OptionSpec[]> OptimizerOptions = new()
    {
        ["labeled-few-shot"] = [new("maxDemos", "labelled demos kept"), new("seed", "reproducible runs")],
        ["bootstrap-few-shot"] = [new("maxBootstrappedDemos", "demos the model answered right"), new("maxLabeledDemos", "labelled demos"),
            new("maxRounds", "bootstrap rounds"), new("metricThreshold", "score a demo needs", Integer: false), new("seed", "reproducible runs")],
        ["hyperparameter"] = [new("trials", "configurations tried"), new("strategy", "search", Choices: ["random", "grid"]),
            new("gridResolution", "points per range (grid)"), new("seed", "reproducible runs")],
        ["hybrid"] = [new("strategy", "how demos and parameters alternate", Choices: ["alternating", "joint", "sequential"]),
            new("iterations", "rounds"), new("trials", "configurations per round"), new("maxBootstrappedDemos", "bootstrapped demos"),
            new("maxLabeledDemos", "labelled demos"), new("seed", "reproducible runs")],
    };

    /// <summary>A job to follow when the page opens (<c>/train?job=ID</c>, the link on a module version that names its training job).</summary>
    [SupplyParameterFromQuery(Name = "job")] public string? JobId { get; set; }

    private readonly JobForm _form = new();
    private List<SampleDatasetInfo> _samples = [];
    private ApiProblem? _problem;
    private bool _submitting;
    private TrainingJob? _job;
    private readonly List<(int Done, double? Score)> _points = [];
    private CancellationTokenSource? _follow;

    protected override async Task OnInitializedAsync()
    {
        var samples = await Trainer.ListSampleDatasetsAsync();
        _samples = samples.Value ?? [];
        _problem = samples.Problem;
        _form.Sample ??= _samples.FirstOrDefault()?.Name;
        if (JobId is { Length: > 0 } id && RendererInfo.IsInteractive)
        {
            var job = await Trainer.GetJobAsync(id);
            _problem = job.Problem;
            if (job.Value is { } existing)
            {
                Follow(existing);
            }
        }
    }

    private string Invalid(string field) =>
        _problem?.Errors.Keys.Any(k => k.Equals(field, StringComparison.OrdinalIgnoreCase) || k.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase) || k.StartsWith(field + "[", StringComparison.OrdinalIgnoreCase)) == true ? "true" : "false";

    private async Task ReadRowsAsync(InputFileChangeEventArgs e, bool train)
    {
        const long maxBytes = 16 * 1024 * 1024;
        var key = train ? "trainset" : "valset";
        try
        {
            using var reader = new StreamReader(e.File.OpenReadStream(maxBytes));
            var (rows, errors) = JsonlRows.Parse(await reader.ReadToEndAsync(), key);
            if (errors.Count > 0)
            {
                _problem = new ApiProblem(System.Net.HttpStatusCode.BadRequest, $"The file {e.File.Name} is not JSONL", null, errors);
                return;
            }

            _problem = null;
            if (train) { (_form.Trainset, _form.TrainsetName) = (rows, e.File.Name); }
            else { (_form.Valset, _form.ValsetName) = (rows, e.File.Name); }
        }
        catch (IOException ex)
        {
            _problem = new ApiProblem(System.Net.HttpStatusCode.BadRequest, $"The file {e.File.Name} could not be read", ex.Message,
                new Dictionary<string, string[]> { [key] = [$"At most {maxBytes / (1024 * 1024)} MiB."] });
        }
    }

    private async Task SubmitAsync()
    {
        if (!_form.TryBuild(out var request, out var errors))
        {
            _problem = new ApiProblem(System.Net.HttpStatusCode.BadRequest, "The training job is invalid", null, errors);
            return;
        }

        _submitting = true;
        try
        {
            var accepted = await Trainer.CreateJobAsync(request!);
            _problem = accepted.Problem;
            if (accepted.Value is { } job)
            {
                Follow(new TrainingJob(job.Id, job.Status, _form.Module!.Trim(), _form.Optimizer, new TrainingProgress(0, 0, null, null), null, null,
                    0, false, DateTimeOffset.UtcNow, null, null, 0));
            }
        }
        finally
        {
            _submitting = false;
        }
    }

    private void Follow(TrainingJob job)
    {
        _job = job;
        _points.Clear();
        Record(job);
        _follow?.Cancel();
        _follow = new CancellationTokenSource();
        _ = FollowAsync(job.Id, _follow.Token);
    }

    private async Task FollowAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var job in Trainer.FollowJobAsync(id, cancellationToken))
            {
                _job = job;
                Record(job);
                await InvokeAsync(StateHasChanged);
            }

            // The stream ends after a terminal state; read the job once more in case the last event was missed.
            if (_job is { IsTerminal: false } && (await Trainer.GetJobAsync(id, cancellationToken)).Value is { } last)
            {
                _job = last;
                Record(last);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (HttpRequestException ex)
        {
            _problem = ApiProblem.Unreachable("trainer", ex);
        }

        await InvokeAsync(StateHasChanged);
    }

    private void Record(TrainingJob job)
    {
        if (_points.Count == 0 || _points[^1].Done != job.Progress.Done || _points[^1].Score != job.Progress.BestScore)
        {
            if (_points.Count > 0 && _points[^1].Done == job.Progress.Done)
            {
                _points[^1] = (job.Progress.Done, job.Progress.BestScore);
            }
            else
            {
                _points.Add((job.Progress.Done, job.Progress.BestScore));
            }
        }
    }

    private async Task CancelAsync()
    {
        if (_job is null)
        {
            return;
        }

        var cancelled = await Trainer.CancelJobAsync(_job.Id);
        _problem = cancelled.Problem;
        if (cancelled.Value is { } job && job.Revision >= _job.Revision)
        {
            _job = job;
        }
    }

    private void NewJob()
    {
        _follow?.Cancel();
        _job = null;
        _problem = null;
        _points.Clear();
    }

    /// <summary>Stops following the job.</summary>
    public void Dispose()
    {
        _follow?.Cancel();
        _follow?.Dispose();
    }
}
