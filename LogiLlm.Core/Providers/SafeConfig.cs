using System.Collections.ObjectModel;
using System.Text.Json.Nodes;

namespace LogiLlm.Providers;

/// <summary>Drops configuration entries whose key names a secret, so provider config can be saved and logged.</summary>
internal static class SafeConfig
{
    private static readonly string[] SecretFragments =
        ["apikey", "secret", "token", "password", "passwd", "credential", "header", "cookie", "bearer", "connectionstring"];

    public static bool IsSecretKey(string key)
    {
        var k = new string(key.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        // Token counts ("max_tokens", "max_new_tokens") are generation settings, not credentials.
        if (k.EndsWith("tokens", StringComparison.Ordinal)) return false;
        if (k.EndsWith("key", StringComparison.Ordinal) || k.EndsWith("keys", StringComparison.Ordinal)) return true;
        if (k.Contains("auth", StringComparison.Ordinal)
            && (k.Contains("authoriz", StringComparison.Ordinal) || k.Contains("authent", StringComparison.Ordinal) || !k.Contains("author", StringComparison.Ordinal)))
            return true; // "authorization", "auth_token", but not "author"
        return SecretFragments.Any(f => k.Contains(f, StringComparison.Ordinal));
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
