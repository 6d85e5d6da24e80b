using System.Collections.ObjectModel;
using System.Text.Json.Nodes;

namespace LogiLlm.Providers;

/// <summary>Drops configuration entries whose key names a secret, so provider config can be saved and logged.</summary>
internal static class SafeConfig
{
    private static readonly string[] SecretMarkers = ["key", "secret", "token", "password", "authorization", "credential"];

    public static bool IsSecretKey(string key)
    {
        var k = key.ToLowerInvariant();
        // "max_tokens" is a generation setting, not a credential.
        if (k is "max_tokens" or "maxtokens" or "max_output_tokens" or "max_completion_tokens") return false;
        return SecretMarkers.Any(k.Contains);
    }

    public static IReadOnlyDictionary<string, JsonNode?> Filter(IEnumerable<KeyValuePair<string, JsonNode?>>? config)
    {
        var result = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (config is null) return new ReadOnlyDictionary<string, JsonNode?>(result);
        foreach (var (k, v) in config)
        {
            if (IsSecretKey(k)) continue;
            result[k] = v?.DeepClone();
        }
        return new ReadOnlyDictionary<string, JsonNode?>(result);
    }

    /// <summary>Endpoint text without user info, query or fragment (those can carry credentials).</summary>
    public static string SanitizeEndpoint(Uri endpoint) =>
        endpoint.IsAbsoluteUri
            ? new UriBuilder(endpoint) { UserName = string.Empty, Password = string.Empty, Query = string.Empty, Fragment = string.Empty }.Uri.ToString()
            : endpoint.OriginalString.Split('?', '#')[0];
}
