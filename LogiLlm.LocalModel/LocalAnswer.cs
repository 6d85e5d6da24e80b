namespace LogiLlm.LocalModel;

/// <summary>The local model's answer to one request.</summary>
/// <param name="Reply">The assistant text, in the prompt's adapter format.</param>
/// <param name="Method">How it was chosen: "centroid", "nearest-demo", "label-name" or "none".</param>
/// <param name="Similarity">Cosine similarity of the input to what was chosen (0 when nothing was compared).</param>
internal sealed record LocalAnswer(string Reply, string Method, double Similarity);
