namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The request body is longer than its endpoint accepts. Deliberately not an <see cref="IOException"/> (as Kestrel's
/// <c>BadHttpRequestException</c> is), so that body binding cannot swallow it and the exception handler answers 413.
/// </summary>
public sealed class RequestBodyTooLargeException(RequestBodyLimit limit)
    : Exception($"The request body exceeds {limit.MaxBytes} bytes, the limit set by {limit.Setting}.")
{
    /// <summary>The limit that was exceeded.</summary>
    public RequestBodyLimit Limit { get; } = limit;
}
