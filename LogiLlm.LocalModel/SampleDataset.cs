using System.Text.Json.Nodes;

namespace LogiLlm.LocalModel;

/// <summary>A labelled sample dataset shipped with LogiLlm: JSONL lines <c>{"inputs": {...}, "outputs": {...}}</c>.</summary>
/// <param name="Name">Name, e.g. "emails".</param>
/// <param name="Signature">A signature that fits the data, e.g. <c>email: str -> category: Literal[...]</c>.</param>
/// <param name="Readme">The dataset's README (Markdown).</param>
/// <param name="TrainJsonl">The training split as JSONL text (for <c>LogiLlm.Optimizers.Dataset.ParseJsonl</c>).</param>
/// <param name="DevJsonl">The development split as JSONL text.</param>
public sealed record SampleDataset(string Name, string Signature, string Readme, string TrainJsonl, string DevJsonl)
{
    /// <summary>The training split, one JSON object per example (fresh copies on each call).</summary>
    public IReadOnlyList<JsonObject> Train() => Parse(TrainJsonl);

    /// <summary>The development split, one JSON object per example (fresh copies on each call).</summary>
    public IReadOnlyList<JsonObject> Dev() => Parse(DevJsonl);

    private static List<JsonObject> Parse(string jsonl) =>
        jsonl.Split('\n')
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonNode.Parse(line) as JsonObject ?? throw new FormatException("A sample dataset line is not a JSON object."))
            .ToList();
}
