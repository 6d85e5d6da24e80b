namespace LogiLlm.Persistence;

/// <summary>
/// The one exception type raised by saving, loading and inspecting module files.
/// It names the file (when there is one) and the JSON path of the offending value.
/// </summary>
public class PersistenceException : Exception
{
    /// <summary>Creates an exception with a message only.</summary>
    public PersistenceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception wrapping an inner cause.</summary>
    public PersistenceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the file and JSON path involved.</summary>
    public PersistenceException(string message, string? filePath, string? jsonPath, Exception? innerException = null)
        : base(Compose(message, filePath, jsonPath), innerException)
    {
        FilePath = filePath;
        JsonPath = jsonPath;
        Reason = message;
    }

    /// <summary>The file being saved or loaded, or <c>null</c> for strings and streams.</summary>
    public string? FilePath { get; }

    /// <summary>JSON path of the offending value (e.g. <c>$.demo_manager.demos[2].score</c>), or <c>null</c>.</summary>
    public string? JsonPath { get; }

    /// <summary>The message without the file and path decoration.</summary>
    public string? Reason { get; }

    private static string Compose(string message, string? filePath, string? jsonPath)
    {
        // Keep the reason first so callers can match on prefixes such as "Version mismatch".
        var text = message;
        if (jsonPath is not null)
        {
            text += $" (at {jsonPath})";
        }

        if (filePath is not null)
        {
            text += $" [file: {filePath}]";
        }

        return text;
    }
}
