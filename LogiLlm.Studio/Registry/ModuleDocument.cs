using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Studio.Registry;

/// <summary>
/// A saved module document as the registry stores it, read for display: signature, instructions, config, demos,
/// provider and the optimizer's lineage (<c>metadata.optimization</c>). Unknown or missing parts read as empty.
/// </summary>
public sealed class ModuleDocument
{
    private readonly JsonObject _root;

    private ModuleDocument(JsonObject root) => _root = root;

    /// <summary>Reads a document; null if it is not a JSON object.</summary>
    public static ModuleDocument? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json) is JsonObject root ? new ModuleDocument(root) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public string ModuleType => Text(_root["module_type"]) ?? "unknown";

    public string? State => Text(_root["state"]);

    public string? Instructions => Text(_root["signature"]?["instructions"]);

    public IReadOnlyList<(string Name, string Type)> InputFields => Fields("input_fields");

    public IReadOnlyList<(string Name, string Type)> OutputFields => Fields("output_fields");

    /// <summary>The signature in its short form, e.g. <c>email: str -> category: str</c>.</summary>
    public string Signature =>
        $"{string.Join(", ", InputFields.Select(f => $"{f.Name}: {f.Type}"))} -> {string.Join(", ", OutputFields.Select(f => $"{f.Name}: {f.Type}"))}";

    public JsonObject Config => _root["config"] as JsonObject ?? [];

    /// <summary>Each demo as one canonical line (<c>inputs -> outputs</c>), for display and for diffs.</summary>
    public IReadOnlyList<string> Demos =>
        (_root["demo_manager"]?["demos"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(d => $"{Canonical(d["inputs"])} -> {Canonical(d["outputs"])}")
            .ToList();

    public string? ProviderName => Text(_root["provider_config"]?["name"]);

    public string? ProviderModel => Text(_root["provider_config"]?["model"]);

    /// <summary>Provider as <c>name / model</c>, or null when the file names none.</summary>
    public string? Provider => ProviderName is { } name ? (ProviderModel is { Length: > 0 } model ? $"{name} / {model}" : name) : null;

    public JsonObject? Lineage => _root["metadata"]?["optimization"] as JsonObject;

    public string? Optimizer => Text(Lineage?["optimizer"]);

    public string? Metric => Text(Lineage?["metric"]) ?? Text(_root["metadata"]?["training_job"]?["metric"]);

    public double? BaselineScore => Number(Lineage?["baseline_score"]);

    public double? BestScore => Number(Lineage?["best_score"]);

    public int? Trials => Number(Lineage?["trials"]) is { } trials ? (int)trials : null;

    public string? DatasetDigest => Text(Lineage?["dataset_digest"]);

    public int? DatasetSize => Number(Lineage?["dataset_size"]) is { } size ? (int)size : null;

    public string? Dataset => Text(_root["metadata"]?["training_job"]?["dataset"]);

    public string? TrainingJobId => Text(_root["metadata"]?["training_job"]?["id"]);

    /// <summary>The version this one was derived from (<c>name@N</c>, <c>metadata.derived_from.source</c>), if any.</summary>
    public string? DerivedFrom => Text(_root["metadata"]?["derived_from"]?["source"]);

    /// <summary>The optimizer of the module this one was optimized from, when it was optimized before.</summary>
    public string? ParentOptimizer => Text(Lineage?["previous"]?["optimizer"]);

    public DateTimeOffset? FinishedAt =>
        DateTimeOffset.TryParse(Text(Lineage?["finished_at"]), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private IReadOnlyList<(string Name, string Type)> Fields(string kind) =>
        (_root["signature"]?[kind] as JsonObject ?? [])
            .Select(f => (f.Key, Text(f.Value?["type"]) ?? Text(f.Value?["python_type"]) ?? "str"))
            .ToList();

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;

    /// <summary>JSON with object keys sorted at every depth, so equal values read equal.</summary>
    internal static string Canonical(JsonNode? node) => LogiLlm.Persistence.CanonicalJson.ToText(node);
}
