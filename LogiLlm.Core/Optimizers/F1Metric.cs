using System.Text;

namespace LogiLlm.Optimizers;

/// <summary>
/// Token-overlap F1 (SQuAD style) between the predicted and the expected text: both are lower-cased and
/// split into runs of letters and digits; precision and recall count shared tokens with multiplicity.
/// Compares one output field, or all expected outputs joined when no key is given. Two empty texts score 1.
/// </summary>
public sealed class F1Metric : IMetric
{
    /// <summary>An F1 metric over output <paramref name="key"/> (null = all expected outputs).</summary>
    public F1Metric(string? key = null)
    {
        if (key is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(key);
        }

        Key = key;
    }

    /// <summary>The output field compared (null = all expected outputs).</summary>
    public string? Key { get; }

    /// <inheritdoc />
    public string Name => Key is null ? "f1" : $"f1({Key})";

    /// <inheritdoc />
    public double Score(Example example, Prediction prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentNullException.ThrowIfNull(prediction);
        if (!prediction.Success)
        {
            return 0;
        }

        var keys = Key is null ? example.Outputs.Keys.ToArray() : [Key];
        var expected = new StringBuilder();
        var actual = new StringBuilder();
        foreach (var key in keys)
        {
            if (!example.Outputs.TryGetValue(key, out var expectedValue))
            {
                return 0;
            }

            expected.Append(MetricText.OfExpected(expectedValue)).Append(' ');
            if (prediction.Outputs.TryGetValue(key, out var actualValue))
            {
                actual.Append(MetricText.OfPredicted(actualValue)).Append(' ');
            }
        }

        return Compute(actual.ToString(), expected.ToString());
    }

    /// <summary>Token F1 of <paramref name="predicted"/> against <paramref name="expected"/>.</summary>
    public static double Compute(string predicted, string expected)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(expected);
        var predictedTokens = Tokenize(predicted);
        var expectedTokens = Tokenize(expected);
        if (predictedTokens.Count == 0 || expectedTokens.Count == 0)
        {
            return predictedTokens.Count == expectedTokens.Count ? 1 : 0;
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in expectedTokens)
        {
            counts[token] = counts.GetValueOrDefault(token) + 1;
        }

        var common = 0;
        foreach (var token in predictedTokens)
        {
            if (counts.TryGetValue(token, out var left) && left > 0)
            {
                counts[token] = left - 1;
                common++;
            }
        }

        if (common == 0)
        {
            return 0;
        }

        var precision = (double)common / predictedTokens.Count;
        var recall = (double)common / expectedTokens.Count;
        return 2 * precision * recall / (precision + recall);
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else if (current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return tokens;
    }
}
