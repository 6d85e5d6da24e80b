using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Optimizers;
using LogiLlm.Registry;
using LogiLlm.Signatures;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer.Jobs;

/// <summary>Checks a <see cref="TrainingJobRequest"/> completely before anything is queued, naming every bad field.</summary>
public sealed class TrainingJobValidator(ISampleDatasets samples, IOptions<TrainingJobOptions> options)
{
    private const int MaxRowErrors = 20;

    /// <summary>The metric types a job can use.</summary>
    public static readonly IReadOnlyList<string> MetricTypes = ["accuracy", "exact-match", "f1"];

    /// <summary>Options each optimizer accepts (JSON names) besides <c>type</c>.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> OptimizerOptionNames = new Dictionary<string, IReadOnlyList<string>>
    {
        [OptimizerTypes.LabeledFewShot] = ["maxDemos", "seed"],
        [OptimizerTypes.BootstrapFewShot] = ["maxBootstrappedDemos", "maxLabeledDemos", "maxRounds", "metricThreshold", "seed"],
        [OptimizerTypes.Hyperparameter] = ["trials", "strategy", "gridResolution", "seed"],
        [OptimizerTypes.Hybrid] = ["strategy", "iterations", "trials", "maxBootstrappedDemos", "maxLabeledDemos", "searchStrategy", "metricThreshold", "seed"],
    };

    private static readonly IReadOnlyDictionary<string, (double Min, double Max, bool Integer)> NumericOptions = new Dictionary<string, (double, double, bool)>
    {
        ["maxDemos"] = (1, 100, true),
        ["maxBootstrappedDemos"] = (0, 100, true),
        ["maxLabeledDemos"] = (0, 100, true),
        ["maxRounds"] = (1, 20, true),
        ["metricThreshold"] = (0, 1, false),
        ["trials"] = (1, 500, true),
        ["gridResolution"] = (1, 50, true),
        ["iterations"] = (1, 20, true),
        ["seed"] = (int.MinValue, int.MaxValue, true),
    };

    /// <summary>Allowed values of the text options (per optimizer where they differ).</summary>
    private static IReadOnlyList<string>? TextOptionValues(string optimizer, string option) => (optimizer, option) switch
    {
        (OptimizerTypes.Hybrid, "strategy") => ["alternating", "joint", "sequential"],
        (_, "strategy") or (_, "searchStrategy") => ["random", "grid"],
        _ => null,
    };

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

        var (optimizer, optimizerOptions) = CheckOptimizer(request.Optimizer, Error);

        var metricType = request.Metric?.Type ?? "accuracy";
        if (!MetricTypes.Contains(metricType))
        {
            Error("metric.type", $"Unknown metric '{metricType}'. Known: {string.Join(", ", MetricTypes)}.");
        }

        string? metricKey = request.Metric?.Key ?? signature?.OutputFields[0].Name;
        if (request.Metric?.Key is { } key && signature is not null && signature.OutputFields.All(f => f.Name != key))
        {
            Error("metric.key", $"'{key}' is not an output field of the signature; outputs: {string.Join(", ", signature.OutputFields.Select(f => f.Name))}.");
        }

        if (request.ParamSpace is not null)
        {
            if (optimizer is not (OptimizerTypes.Hyperparameter or OptimizerTypes.Hybrid) && optimizer is not null)
            {
                Error("paramSpace", $"A parameter space only applies to the hyperparameter and hybrid optimizers, not to {optimizer}.");
            }
            else
            {
                TryParseParameterSpace(request.ParamSpace, Error);
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
            optimizer!,
            optimizerOptions,
            metricType,
            metricKey!,
            (JsonObject?)request.ParamSpace?.DeepClone());
        return true;
    }

    /// <summary>Turns a job's <c>paramSpace</c> into an optimizer parameter space (<c>[min, max]</c>, or a list of choices).</summary>
    public static ParameterSpace? TryParseParameterSpace(JsonObject paramSpace, Action<string, string> error)
    {
        var space = new ParameterSpace();
        var ok = true;
        if (paramSpace.Count == 0)
        {
            error("paramSpace", "The parameter space is empty; name at least one parameter, e.g. {\"temperature\": [0.0, 1.0]}.");
            return null;
        }

        foreach (var (name, value) in paramSpace)
        {
            var key = $"paramSpace.{name}";
            if (!ModuleNames.IsValidName(name))
            {
                error(key, $"'{name}' is not a valid parameter name.");
                ok = false;
                continue;
            }

            try
            {
                switch (value)
                {
                    case JsonArray { Count: 2 } range when range.All(IsNumber):
                        var integral = range.All(v => v!.GetValueKind() == JsonValueKind.Number && IsIntegral(v))
                            && name is "max_tokens" or ParameterSpec.DemoCountKey or "seed";
                        space.Add(integral
                            ? ParameterSpec.Int(name, (int)Number(range[0]!), (int)Number(range[1]!))
                            : ParameterSpec.Float(name, Number(range[0]!), Number(range[1]!)));
                        break;
                    case JsonObject { } choices when choices["choices"] is JsonArray { Count: > 0 } list:
                        space.Add(ParameterSpec.Categorical(name, list));
                        break;
                    case JsonArray { Count: > 0 } list when !list.All(IsNumber) || list.Count > 2:
                        space.Add(ParameterSpec.Categorical(name, list));
                        break;
                    default:
                        error(key, "Give a range [min, max] of two numbers, or {\"choices\": [...]}.");
                        ok = false;
                        break;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or OverflowException)
            {
                error(key, ex.Message);
                ok = false;
            }
        }

        return ok ? space : null;
    }

    private static bool IsNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    private static double Number(JsonNode node) => node.GetValue<double>();

    private static bool IsIntegral(JsonNode node) => double.IsInteger(Number(node));

    /// <summary>
    /// The outputs a row must carry: those the metric reads (its key for accuracy and f1; for exact-match, which
    /// compares what a row lists, none in particular). Other outputs may be omitted, as in the emails sample, whose
    /// rows carry only <c>category</c>; demos keep what they have.
    /// </summary>
    private static IReadOnlyList<string> ScoredOutputs(TrainingJobRequest request, Signature signature)
    {
        if ((request.Metric?.Type ?? "accuracy") == "exact-match")
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

    private static (string? Type, JsonObject Options) CheckOptimizer(JsonObject? optimizer, Action<string, string> error)
    {
        if (optimizer is null)
        {
            return (OptimizerTypes.LabeledFewShot, []);
        }

        string? type = null;
        if (optimizer["type"] is JsonValue typeValue && typeValue.TryGetValue<string>(out var text))
        {
            type = text;
        }

        if (type is null || !OptimizerTypes.All.Contains(type))
        {
            error("optimizer.type", $"Unknown optimizer '{type ?? "(none)"}'. Known: {string.Join(", ", OptimizerTypes.All)}.");
            return (null, []);
        }

        var allowed = OptimizerOptionNames[type];
        var result = new JsonObject();
        foreach (var (name, value) in optimizer)
        {
            if (name == "type")
            {
                continue;
            }

            var key = $"optimizer.{name}";
            if (!allowed.Contains(name))
            {
                error(key, $"The {type} optimizer has no option '{name}'. Options: {string.Join(", ", allowed)}.");
                continue;
            }

            if (NumericOptions.TryGetValue(name, out var range))
            {
                // Integers are read as the runner reads them (GetValue<int>): 5.0 and 1e1 are not whole-number tokens.
                var valid = range.Integer
                    ? value is JsonValue integer && integer.GetValueKind() == JsonValueKind.Number && integer.TryGetValue<int>(out var whole) && whole >= range.Min && whole <= range.Max
                    : IsNumber(value) && Number(value!) >= range.Min && Number(value!) <= range.Max;
                if (!valid)
                {
                    error(key, $"'{name}' must be {(range.Integer ? "a whole number written without a fraction or exponent" : "a number")} from {range.Min.ToString(CultureInfo.InvariantCulture)} to {range.Max.ToString(CultureInfo.InvariantCulture)}.");
                    continue;
                }
            }
            else if (TextOptionValues(type, name) is { } choices && !(value is JsonValue s && s.TryGetValue<string>(out var choice) && choices.Contains(choice)))
            {
                error(key, $"'{name}' must be one of {string.Join(", ", choices)}.");
                continue;
            }

            result[name] = value?.DeepClone();
        }

        return (type, result);
    }
}
