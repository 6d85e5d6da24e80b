namespace LogiLlm.Persistence;

/// <summary>How a saved module file is compressed (<see cref="SaveOptions.Compression"/>); loaders detect it from the bytes.</summary>
public enum ModuleCompression
{
    /// <summary>Plain text (the default; the only form Python LogiLLM reads).</summary>
    None,

    /// <summary>A standard gzip stream (<c>zcat file | jq</c> works); inside a LogiLlm container when also encrypted.</summary>
    Gzip,

    /// <summary>Brotli (smaller, slower to write), inside a LogiLlm container.</summary>
    Brotli,
}
