using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Studio.Training;

/// <summary>What the train form holds, turned into the trainer's <c>POST /api/training-jobs</c> body.</summary>
public sealed class JobForm
{
    public string? Module { get; set; }
    public string? Signature { get; set; } = "email: str -> category: str";
    public string? Instructions { get; set; }
    public bool Upload { get; set; }
    public string? Sample { get; set; }
    public List<JsonObject>? Trainset { get; set; }
    public string? TrainsetName { get; set; }
    public List<JsonObject>? Valset { get; set; }
    public string? ValsetName { get; set; }
    public string Optimizer { get; set; } = "labeled-few-shot";
    public Dictionary<string, string?> Options { get; } = new(StringComparer.Ordinal);
    public string Metric { get; set; } = "accuracy";
    public string? MetricKey { get; set; } = "category";
    public string? ParamSpace { get; set; } = """{"temperature": [0.0, 1.0]}""";

    public string? Option(string name) => Options.GetValueOrDefault(name);

    /// <summary>
    /// The request body; only what the form itself can know is checked here (JSON that does not parse, a missing
    /// upload). Everything else is the trainer's to judge, and its 400 names the field.
    /// </summary>
    public bool TryBuild(out JsonObject? request, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var optimizer = new JsonObject { ["type"] = Optimizer };
        foreach (var (name, value) in Options)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            optimizer[name] = long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) ? whole
                : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number
                : value.Trim();
        }

        request = new JsonObject
        {
            ["module"] = Module?.Trim(),
            ["signature"] = string.IsNullOrWhiteSpace(Signature) ? null : Signature.Trim(),
            ["instructions"] = string.IsNullOrWhiteSpace(Instructions) ? null : Instructions.Trim(),
            ["optimizer"] = optimizer,
            ["metric"] = new JsonObject { ["type"] = Metric, ["key"] = string.IsNullOrWhiteSpace(MetricKey) ? null : MetricKey.Trim() },
        };

        if (Upload)
        {
            if (Trainset is null)
            {
                errors["trainset"] = ["Choose a JSONL file with the training examples."];
            }
            else
            {
                request["trainset"] = new JsonArray(Trainset.Select(r => (JsonNode?)r.DeepClone()).ToArray());
            }

            if (Valset is not null)
            {
                request["valset"] = new JsonArray(Valset.Select(r => (JsonNode?)r.DeepClone()).ToArray());
            }
        }
        else
        {
            request["sampleDataset"] = Sample;
        }

        if (Optimizer is "hyperparameter" or "hybrid" && !string.IsNullOrWhiteSpace(ParamSpace))
        {
            try
            {
                request["paramSpace"] = JsonNode.Parse(ParamSpace);
            }
            catch (JsonException ex)
            {
                errors["paramSpace"] = [$"Not valid JSON: {ex.Message}"];
            }
        }

        if (errors.Count > 0)
        {
            request = null;
            return false;
        }

        return true;
    }
}
