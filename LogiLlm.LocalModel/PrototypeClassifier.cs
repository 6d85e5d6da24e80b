namespace LogiLlm.LocalModel;

/// <summary>
/// The label decision: each candidate label is a prototype, the sum of its demos' embeddings, centred on the
/// mean of the prompt's demos and the input (the direction every customer email shares carries no label),
/// plus the label's own name embedded, weighted as <see cref="LocalModelOptions.LabelNameWeight"/> demos, as a
/// prior that makes few demos go further. The input goes to the prototype with the highest cosine; zero-shot
/// (no demos) that is the nearest label name. Probabilities are a softmax of the cosines at
/// <see cref="Temperature"/>, so the chosen label's probability is a calibrated confidence.
/// </summary>
/// <remarks>
/// Tuned on the emails train set only (demo subsets of 8, 16, 24 drawn from it, scored on the rest of it):
/// centring and a name weight of 3 beat the plain centroid (+0.08 to +0.14), k-NN voting (5 to 20 points lower)
/// and centroid/nearest-neighbour blends; at temperature 0.05 the mean confidence (0.79) matches the accuracy
/// (0.77) on held-out train emails.
/// </remarks>
internal static class PrototypeClassifier
{
    /// <summary>Softmax temperature over cosine similarities.</summary>
    public const double Temperature = 0.05;

    /// <summary>One candidate label.</summary>
    /// <param name="Key">The label's prompt text.</param>
    /// <param name="Value">The typed value to answer.</param>
    /// <param name="Demos">Embeddings of the demo inputs labelled with it (may be empty).</param>
    /// <param name="Name">Embedding of the label's name, or null when names do not count (bool, numbers).</param>
    public sealed record Candidate(string Key, object? Value, IReadOnlyList<float[]> Demos, float[]? Name);

    /// <summary>The decision: the chosen candidate, its cosine and its probability.</summary>
    public sealed record Decision(Candidate Choice, double Similarity, double Confidence);

    /// <summary>Chooses among <paramref name="candidates"/> for <paramref name="query"/>; <paramref name="allDemos"/> are every demo of the prompt (for centring).</summary>
    public static Decision Classify(float[] query, IReadOnlyList<Candidate> candidates, IReadOnlyList<float[]> allDemos, double nameWeight)
    {
        ArgumentOutOfRangeException.ThrowIfZero(candidates.Count);
        var center = allDemos.Count == 0 ? null : Mean(allDemos.Append(query));
        var q = Centered(query, center);
        var scores = new double[candidates.Count];
        for (var c = 0; c < candidates.Count; c++)
        {
            var candidate = candidates[c];
            var sum = new float[query.Length];
            foreach (var demo in candidate.Demos)
            {
                Add(sum, Centered(demo, center), 1f);
            }

            if (candidate.Name is { } name && (candidate.Demos.Count == 0 || nameWeight > 0))
            {
                Add(sum, name, candidate.Demos.Count == 0 ? 1f : (float)nameWeight);
            }

            scores[c] = SentenceEmbedder.Similarity(q, Normalize(sum));
        }

        var best = 0;
        for (var c = 1; c < scores.Length; c++)
        {
            if (scores[c] > scores[best])
            {
                best = c;
            }
        }

        return new Decision(candidates[best], scores[best], Softmax(scores)[best]);
    }

    /// <summary>Softmax of <paramref name="scores"/> at <see cref="Temperature"/>.</summary>
    public static double[] Softmax(IReadOnlyList<double> scores)
    {
        var max = scores.Max();
        var weights = scores.Select(s => Math.Exp((s - max) / Temperature)).ToArray();
        var total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }

    internal static float[] Normalize(float[] sum)
    {
        var norm = MathF.Sqrt(SentenceEmbedder.Similarity(sum, sum));
        if (norm == 0)
        {
            return sum;
        }

        var result = new float[sum.Length];
        for (var i = 0; i < sum.Length; i++)
        {
            result[i] = sum[i] / norm;
        }

        return result;
    }

    private static float[] Centered(float[] vector, float[]? center)
    {
        if (center is null)
        {
            return vector;
        }

        var result = new float[vector.Length];
        for (var i = 0; i < vector.Length; i++)
        {
            result[i] = vector[i] - center[i];
        }

        return Normalize(result);
    }

    private static float[] Mean(IEnumerable<float[]> vectors)
    {
        float[]? sum = null;
        var count = 0;
        foreach (var vector in vectors)
        {
            sum ??= new float[vector.Length];
            Add(sum, vector, 1f);
            count++;
        }

        for (var i = 0; i < sum!.Length; i++)
        {
            sum[i] /= count;
        }

        return sum;
    }

    private static void Add(float[] sum, float[] vector, float weight)
    {
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += weight * vector[i];
        }
    }
}
