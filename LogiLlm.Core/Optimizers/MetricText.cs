using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Signatures;

namespace LogiLlm.Optimizers;

/// <summary>Shared value-to-text rules of the built-in metrics.</summary>
internal static class MetricText
{
    /// <summary>Text of an expected value: strings as they are, other values as compact JSON.</summary>
    public static string OfExpected(JsonNode? expected) =>
        expected is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : FieldValueJson.ToPromptText(FieldValueJson.FromJsonNode(expected));

    /// <summary>Text of a predicted value, written the same way as <see cref="OfExpected"/> so that 3 and 3L compare equal.</summary>
    public static string OfPredicted(object? predicted) => FieldValueJson.ToPromptText(predicted);

    /// <summary>Applies the opt-in normalisation.</summary>
    public static string Normalize(string text, bool trim, bool ignoreCase)
    {
        if (trim)
        {
            text = text.Trim();
        }

        return ignoreCase ? text.ToLowerInvariant() : text;
    }

    /// <summary>A metric result made safe: NaN becomes 0, others are clamped into [0, 1].</summary>
    public static double Clamp(double score) => double.IsNaN(score) ? 0 : Math.Clamp(score, 0, 1);
}
