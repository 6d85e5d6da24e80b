namespace LogiLlm.Persistence;

/// <summary>File formats for saved modules (LogiLLM's <c>SerializationFormat</c>; only JSON is supported, as in LogiLLM).</summary>
public enum SerializationFormat
{
    /// <summary>UTF-8 JSON.</summary>
    Json,
}
