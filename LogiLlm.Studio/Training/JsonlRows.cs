using System.Text.Json;
using System.Text.Json.Nodes;

namespace LogiLlm.Studio.Training;

/// <summary>Reads an uploaded JSONL dataset: one example object per non-empty line.</summary>
public static class JsonlRows
{
    /// <summary>The rows, or the lines that are not JSON objects, keyed like the trainer's errors (<c>trainset[3]</c>).</summary>
    public static (List<JsonObject> Rows, Dictionary<string, string[]> Errors) Parse(string text, string key)
    {
        var rows = new List<JsonObject>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(line) is JsonObject row)
                {
                    rows.Add(row);
                    continue;
                }

                errors[$"{key}[{rows.Count}]"] = [$"Line {i + 1} is not a JSON object."];
            }
            catch (JsonException ex)
            {
                errors[$"{key}[{rows.Count}]"] = [$"Line {i + 1} is not valid JSON: {ex.Message}"];
            }
        }

        if (rows.Count == 0 && errors.Count == 0)
        {
            errors[key] = ["The file has no examples."];
        }

        return (rows, errors);
    }
}
