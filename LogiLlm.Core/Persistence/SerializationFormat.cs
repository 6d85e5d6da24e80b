namespace LogiLlm.Persistence;

/// <summary>Text formats for saved modules (LogiLLM's <c>SerializationFormat</c>). Both hold the same document; loaders detect which.</summary>
public enum SerializationFormat
{
    /// <summary>UTF-8 JSON (the default; what Python LogiLLM reads).</summary>
    Json,

    /// <summary>UTF-8 YAML: the same document (keys, values, digest, signature) written as YAML 1.2.</summary>
    Yaml,
}
