namespace LogiLlm.LocalModel;

/// <summary>The local model's answer to one request.</summary>
/// <param name="Reply">The assistant text, in the prompt's adapter format.</param>
/// <param name="Method">How it was chosen: "prototype", "centroid", "nearest-demo", "label-name" or "none".</param>
/// <param name="Similarity">Cosine similarity of the input to what was chosen (0 when nothing was compared).</param>
/// <param name="Confidence">Probability of the first choice in [0, 1], or null when nothing was chosen among alternatives.</param>
internal sealed record LocalAnswer(string Reply, string Method, double Similarity, double? Confidence = null);
