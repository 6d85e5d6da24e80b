using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Optimizers;
using LogiLlm.Registry;
using LogiLlm.Signatures;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// Checks a <see cref="TrainingJobRequest"/> before anything is queued, naming every bad field. The contract's types
/// already refuse what does not bind (an unknown optimizer, option or metric, a fraction for a whole number); what is
/// left here are the rules that need more than one field or the signature: rows against the signature, a sample
/// against inline sets, the metric key among the outputs, a parameter space only for the optimizers that search one,
/// plus the ranges declared on the optimizer's record.
/// </summary>
public sealed class TrainingJobValidator(ISampleDatasets samples, IOptions<TrainingJobOptions> options)
{
    private const int MaxRowErrors = 20;

    /// <summary>Validates <paramref name="request"/>; returns the spec to queue, or the errors keyed by JSON path.</summary>
    public bool TryValidate(TrainingJobRequest? request, out TrainingJobSpec? spec, out Dictionary<string, string[]> errors)
    {
        var found = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Error(string key, string message)
        {
            if (!found.TryGetValue(key, out var list))
            {
                found[key] = list = [];
            }

            list.Add(message);
        }

        spec = null;
        if (request is null)
        {
            errors = new() { ["body"] = ["A JSON body describing the training job is required."] };
            return false;
        }

        if (string.IsNullOrWhiteSpace(request.Module))
        {
            Error("module", "The module name to publish under is required.");
        }
        else if (!ModuleNames.IsValidName(request.Module))
        {
            Error("module", $"'{request.Module}' is not a valid module name: use letters, digits, '.', '_' or '-' (at most {ModuleNames.MaxLength} characters, not starting with '.' or '-').");
        }

        // A shipped sample brings its own signature, used when the job gives none.
        var sample = request.SampleDataset is null ? null : samples.Find(request.SampleDataset);
        var signatureText = string.IsNullOrWhiteSpace(request.Signature) ? sample?.Signature : request.Signature;
        Signature? signature = null;
        if (string.IsNullOrWhiteSpace(signatureText))
        {
            Error("signature", "A signature such as \"email: str -> category: str\" is required.");
        }
        else
        {
            try
            {
                signature = Signature.Parse(signatureText, request.Instructions);
                if (signature.InputFields.Count == 0 || signature.OutputFields.Count == 0)
                {
                    Error("signature", "The signature needs at least one input and one output field.");
                    signature = null;
                }
            }
            catch (SignatureParseException ex)
            {
                Error("signature", $"The signature does not parse: {ex.Message}");
            }
        }

        // Datasets: inline sets or a shipped sample, not both.
        if (request.SampleDataset is not null)
        {
            if (request.Trainset is not null || request.Valset is not null)
            {
                Error("sampleDataset", "Give either sampleDataset or inline trainset/valset, not both.");
            }

            if (sample is null)
            {
                Error("sampleDataset", $"Unknown sample dataset '{request.SampleDataset}'. Known: {string.Join(", ", samples.Names.Order(StringComparer.Ordinal))}.");
            }
            else if (signature is not null)
            {
                CheckSample(sample, signature, ScoredOutputs(request, signature), Error);
            }
        }
        else if (request.Trainset is null)
        {
            Error("trainset", "Training examples are required: give trainset rows or a sampleDataset.");
        }

        var scored = signature is null ? [] : ScoredOutputs(request, signature);
        var trainset = CheckRows("trainset", request.Trainset, signature, scored, Error);
        var valset = CheckRows("valset", request.Valset, signature, scored, Error);

        var optimizer = request.Optimizer ?? new LabeledFewShotSettings();
        CheckOptimizerOptions(optimizer, Error);

        var metricType = request.Metric?.Type ?? MetricType.Accuracy;
        string? metricKey = request.Metric?.Key ?? signature?.OutputFields[0].Name;
        if (request.Metric?.Key is { } key && signature is not null && signature.OutputFields.All(f => f.Name != key))
        {
            Error("metric.key", $"'{key}' is not an output field of the signature; outputs: {string.Join(", ", signature.OutputFields.Select(f => f.Name))}.");
        }

        if (request.ParamSpace is not null)
        {
            if (!optimizer.SearchesParameters)
            {
                Error("paramSpace", $"A parameter space only applies to the hyperparameter and hybrid optimizers, not to {optimizer.Type}.");
            }
            else if (ParamSpaceParser.TryParse(request.ParamSpace, Error) is { } space
                && optimizer switch
                {
                    HyperparameterSettings { Strategy: SearchStrategy.Grid } h => h.GridResolution,
                    HybridSettings { SearchStrategy: SearchStrategy.Grid } => 5, // the hybrid's search runs at the default resolution
                    _ => (int?)null,
                } is { } resolution
                && space.GridSize(resolution) is var size && size > ParameterSpace.MaxGridSize)
            {
                // Refused here, not after queueing: such a job would only fail (a grid of billions is never searched).
                Error("paramSpace", string.Create(CultureInfo.InvariantCulture,
                    $"A grid search over these {space.Count} parameters at resolution {resolution} has {(size == long.MaxValue ? "too many" : size.ToString(CultureInfo.InvariantCulture))} configurations; the most is {ParameterSpace.MaxGridSize}. Use fewer parameters, a smaller gridResolution or random search."));
            }
        }

        errors = found.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        if (errors.Count > 0)
        {
            return false;
        }

        spec = new TrainingJobSpec(
            request.Module!,
            signatureText!,
            string.IsNullOrWhiteSpace(request.Instructions) ? null : request.Instructions,
            trainset,
            valset,
            request.SampleDataset,
            optimizer,
            metricType,
            metricKey!,
            (JsonObject?)request.ParamSpace?.DeepClone());
        return true;
    }

    /// <summary>
    /// The outputs a row must carry: those the metric reads (its key for accuracy and f1; for exact-match, which
    /// compares what a row lists, none in particular). Other outputs may be omitted, as in the emails sample, whose
    /// rows carry only <c>category</c>; demos keep what they have.
    /// </summary>
    private static IReadOnlyList<string> ScoredOutputs(TrainingJobRequest request, Signature signature)
    {
        if (request.Metric?.Type is MetricType.ExactMatch)
        {
            return [];
        }

        var key = request.Metric?.Key ?? signature.OutputFields[0].Name;
        return signature.OutputFields.Any(f => f.Name == key) ? [key] : [];
    }

    private IReadOnlyList<TrainingExample>? CheckRows(string name, IReadOnlyList<TrainingExample?>? rows, Signature? signature, IReadOnlyList<string> scored, Action<string, string> error)
    {
        if (rows is null)
        {
            return null;
        }

        if (rows.Count == 0)
        {
            error(name, $"The {name} is empty; give at least one example.");
            return null;
        }

        if (rows.Count > options.Value.MaxExamples)
        {
            error(name, $"The {name} has {rows.Count} examples; at most {options.Value.MaxExamples} are accepted.");
            return null;
        }

        var rowErrors = 0;
        var result = new List<TrainingExample>(rows.Count);
        for (var i = 0; i < rows.Count && rowErrors < MaxRowErrors; i++)
        {
            var row = rows[i];
            var at = $"{name}[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (row?.Inputs is null || row.Outputs is null)
            {
                error(at, "Each example needs an \"inputs\" and an \"outputs\" object.");
                rowErrors++;
                continue;
            }

            if (signature is not null)
            {
                foreach (var field in signature.InputFields.Where(f => f.Required && !row.Inputs.ContainsKey(f.Name)))
                {
                    error($"{at}.inputs.{field.Name}", $"The example has no value for the input field '{field.Name}'.");
                    rowErrors++;
                }

                foreach (var field in signature.OutputFields.Where(f => scored.Contains(f.Name) && !row.Outputs.ContainsKey(f.Name)))
                {
                    error($"{at}.outputs.{field.Name}", $"The example has no value for the output field '{field.Name}', which the metric compares.");
                    rowErrors++;
                }

                if (row.Outputs.Count == 0 && scored.Count == 0)
                {
                    error($"{at}.outputs", $"The example has no output value; give at least one of {string.Join(", ", signature.OutputFields.Select(f => f.Name))}.");
                    rowErrors++;
                }
            }

            result.Add(new TrainingExample((JsonObject)row.Inputs.DeepClone(), (JsonObject)row.Outputs.DeepClone()));
        }

        return result;
    }

    private static void CheckSample(TrainingSample sample, Signature signature, IReadOnlyList<string> scored, Action<string, string> error)
    {
        var example = sample.Train.Concat(sample.Dev).FirstOrDefault();
        if (example is null)
        {
            error("sampleDataset", $"The sample dataset '{sample.Name}' is empty.");
            return;
        }

        var missingInputs = signature.InputFields.Where(f => f.Required && !example.Inputs.ContainsKey(f.Name)).Select(f => f.Name).ToArray();
        var missingOutputs = signature.OutputFields.Where(f => scored.Contains(f.Name) && !example.Outputs.ContainsKey(f.Name)).Select(f => f.Name).ToArray();
        if (missingInputs.Length + missingOutputs.Length > 0)
        {
            error("sampleDataset",
                $"The sample dataset '{sample.Name}' has inputs ({string.Join(", ", example.Inputs.Keys)}) and outputs ({string.Join(", ", example.Outputs.Keys)}), "
                + $"but the signature needs {string.Join(", ", missingInputs.Concat(missingOutputs))}.");
        }
    }

    /// <summary>The ranges declared on the optimizer's record, reported under their JSON names (<c>optimizer.maxDemos</c>).</summary>
    private static void CheckOptimizerOptions(OptimizerSettings optimizer, Action<string, string> error)
    {
        foreach (var property in optimizer.GetType().GetProperties())
        {
            var value = property.GetValue(optimizer);
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            foreach (var rule in property.GetCustomAttributes(typeof(ValidationAttribute), inherit: true).Cast<ValidationAttribute>().Where(r => !r.IsValid(value)))
            {
                error($"optimizer.{name}", rule is RangeAttribute range
                    ? $"'{name}' of the {optimizer.Type} optimizer must be from {Invariant(range.Minimum)} to {Invariant(range.Maximum)}."
                    : rule.FormatErrorMessage(name));
            }
        }
    }

    private static string Invariant(object bound) => Convert.ToString(bound, CultureInfo.InvariantCulture)!;
}
