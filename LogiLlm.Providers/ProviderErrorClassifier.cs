using System.ClientModel;
using System.Net.Sockets;
using System.Text.Json;
using Anthropic.Exceptions;

namespace LogiLlm.Providers;

/// <summary>Tells which SDK failures are provider failures, and which of those are transient (worth retrying later).</summary>
internal static class ProviderErrorClassifier
{
    /// <summary>What is known about one failed call.</summary>
    internal readonly record struct Classification(bool IsProviderError, int? StatusCode, bool IsTransient, string Kind);

    public static bool IsTransientStatus(int status) =>
        status is 408 or 429 or 500 or 502 or 503 or 504 || (status >= 500 && status != 501 && status != 505);

    public static Classification Classify(Exception ex, CancellationToken callerToken)
    {
        // First, anywhere in the chain: an SDK may wrap the transport's timeout in its own "no response" exception.
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is TimeoutException or Polly.Timeout.TimeoutRejectedException) return new(true, null, true, "timeout");
        }

        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ProviderException pe:
                    return new(true, pe.StatusCode, pe.IsTransient, "provider");
                case ClientResultException cre when cre.Status > 0:
                    return new(true, cre.Status, IsTransientStatus(cre.Status), "http");
                case ClientResultException:
                    // Status 0: no response at all (connection refused, reset, DNS).
                    return new(true, null, true, "network");
                case AnthropicApiException aae:
                    var s = (int)aae.StatusCode;
                    return new(true, s, IsTransientStatus(s), "http");
                case HttpRequestException hre when hre.StatusCode is { } code:
                    return new(true, (int)code, IsTransientStatus((int)code), "http");
                case HttpRequestException:
                case SocketException:
                case IOException:
                    return new(true, null, true, "network");
                case OperationCanceledException when !callerToken.IsCancellationRequested:
                    // Cancelled although the caller did not ask for it: the SDK's own timeout fired.
                    return new(true, null, true, "timeout");
            }
        }

        return ex switch
        {
            AnthropicException => new(true, null, false, "sdk"),
            JsonException => new(true, null, false, "invalid-response"),
            _ => new(false, null, false, "other"),
        };
    }
}
