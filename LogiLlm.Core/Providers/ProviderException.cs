namespace LogiLlm.Providers;

/// <summary>
/// A provider call or provider setup failed. The message never contains an API key.
/// </summary>
public sealed class ProviderException : Exception
{
    /// <summary>Creates a provider exception.</summary>
    public ProviderException(string message, string? providerName = null, int? statusCode = null, bool isTransient = false, Exception? innerException = null)
        : base(message, innerException)
    {
        ProviderName = providerName;
        StatusCode = statusCode;
        IsTransient = isTransient;
    }

    /// <summary>Name of the provider ("openai", "anthropic", ...), when known.</summary>
    public string? ProviderName { get; }

    /// <summary>HTTP status code of the failed call, when there was one.</summary>
    public int? StatusCode { get; }

    /// <summary>Whether the failure is transient (408, 429, 5xx, timeout, network) and worth retrying later.</summary>
    public bool IsTransient { get; }

    /// <summary>Number of attempts made before giving up (1 when not retried).</summary>
    public int Attempts { get; init; } = 1;
}
