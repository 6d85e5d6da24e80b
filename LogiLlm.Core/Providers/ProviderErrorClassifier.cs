using System.ClientModel;
using System.Net.Sockets;
using System.Text.Json;
using Anthropic.Exceptions;

namespace LogiLlm.Providers;

/// <summary>Tells which SDK failures are provider failures and which of those are worth retrying.</summary>
internal static class ProviderErrorClassifier
{
    /// <summary>What is known about one failed call.</summary>
    internal readonly record struct Classification(bool IsProviderError, int? StatusCode, bool IsTransient, TimeSpan? RetryAfter, string Kind);

    public static bool IsTransientStatus(int status) =>
        status is 408 or 429 or 500 or 502 or 503 or 504 || (status >= 500 && status != 501 && status != 505);

    public static Classification Classify(Exception ex, CancellationToken callerToken)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ProviderException pe:
                    return new(true, pe.StatusCode, pe.IsTransient, null, "provider");
                case ClientResultException cre when cre.Status > 0:
                    return new(true, cre.Status, IsTransientStatus(cre.Status), RetryAfterOf(cre), "http");
                case ClientResultException:
                    // Status 0: no response at all (connection refused, reset, DNS).
                    return new(true, null, true, null, "network");
                case AnthropicApiException aae:
                    var s = (int)aae.StatusCode;
                    return new(true, s, IsTransientStatus(s), null, "http");
                case HttpRequestException hre when hre.StatusCode is { } code:
                    return new(true, (int)code, IsTransientStatus((int)code), null, "http");
                case HttpRequestException:
                case SocketException:
                case IOException:
                    return new(true, null, true, null, "network");
                case TimeoutException:
                    return new(true, null, true, null, "timeout");
                case OperationCanceledException when !callerToken.IsCancellationRequested:
                    // Cancelled although the caller did not ask for it: the SDK's own timeout fired.
                    return new(true, null, true, null, "timeout");
            }
        }

        return ex switch
        {
            AnthropicException => new(true, null, false, null, "sdk"),
            JsonException => new(true, null, false, null, "invalid-response"),
            _ => new(false, null, false, null, "other"),
        };
    }

    private static TimeSpan? RetryAfterOf(ClientResultException cre)
    {
        try
        {
            var response = cre.GetRawResponse();
            if (response is null || !response.Headers.TryGetValue("Retry-After", out var value) || value is null) return null;
            if (double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                return TimeSpan.FromSeconds(seconds);
            if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
            {
                var d = at - DateTimeOffset.UtcNow;
                return d > TimeSpan.Zero ? d : TimeSpan.Zero;
            }
        }
        catch (InvalidOperationException)
        {
            // No raw response attached.
        }
        return null;
    }
}
