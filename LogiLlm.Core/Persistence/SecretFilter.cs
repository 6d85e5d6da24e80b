using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LogiLlm.Persistence;

/// <summary>
/// Decides which configuration entries may be written to (or taken from) a module file.
/// Provider configs are filtered by an allowlist of model parameters; module and adapter configs by a
/// credential denylist applied at every nesting level. Endpoints are kept only when explicitly allowed.
/// </summary>
public static partial class SecretFilter
{
    /// <summary>Model parameters that may be saved in <c>provider_config.config</c>.</summary>
    public static IReadOnlySet<string> SafeProviderKeys { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "temperature", "top_p", "top_k", "max_tokens", "max_completion_tokens", "max_output_tokens", "max_new_tokens",
        "frequency_penalty", "presence_penalty", "repetition_penalty", "stop", "stop_sequences", "seed", "n",
        "logprobs", "top_logprobs", "reasoning_effort", "verbosity", "response_format", "timeout", "max_retries",
        "min_p", "candidate_count", "parallel_tool_calls", "tool_choice", "logit_bias", "thinking_budget",
    };

    /// <summary>Keys that name a network location: saved only with <see cref="SaveOptions.IncludeEndpoint"/>, loaded only with <see cref="LoadOptions.TrustEndpointFromFile"/>.</summary>
    public static IReadOnlySet<string> EndpointKeys { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "base_url", "endpoint", "api_base", "azure_endpoint", "url", "host", "base_address",
    };

    /// <summary>
    /// True when <paramref name="key"/> is or may hold a credential: keys, tokens (not token counts), secrets,
    /// passwords, authorization, headers, cookies, connection strings, credentials, certificates.
    /// </summary>
    public static bool IsCredentialKey(string key)
    {
        var k = Normalize(key);
        if (k.Length == 0)
        {
            return false;
        }

        if (k.EndsWith("key", StringComparison.Ordinal) || k.EndsWith("keys", StringComparison.Ordinal))
        {
            return true;
        }

        // "max_tokens" counts tokens; "token", "access_token", "tokenfile" hold one.
        if (k.Contains("token", StringComparison.Ordinal) && !k.EndsWith("tokens", StringComparison.Ordinal))
        {
            return true;
        }

        // "author" is a name, "authorization" and "auth_token" are credentials.
        if (k.Contains("auth", StringComparison.Ordinal) && (!k.Contains("author", StringComparison.Ordinal) || k.Contains("authoriz", StringComparison.Ordinal)))
        {
            return true;
        }

        string[] fragments =
        [
            "secret", "password", "passwd", "passphrase", "pwd", "header", "cookie", "connectionstring", "connstr",
            "credential", "bearer", "certificate", "privatekey", "accesskey", "session", "jwt", "apikey",
            "sharedaccesssignature", "sasurl", "sasuri", "passcode", "signingkey", "clientsecret",
        ];
        if (fragments.Any(f => k.Contains(f, StringComparison.Ordinal)) || k is "pat" or "dsn" or "sas")
        {
            return true;
        }

        // Short words that are credentials only as a whole word of the key: "db_pass", "userPw", "sas_url", "sig".
        return Words(key).Any(w => w is "pass" or "pw" or "pwd" or "sig" or "sas" or "pat" or "otp");
    }

    /// <summary>True when a string value looks like a credential whatever its key (bearer tokens, connection strings, API keys).</summary>
    public static bool LooksLikeCredentialValue(string value)
    {
        var v = value.Trim();
        if (v.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || v.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (v.StartsWith("sk-", StringComparison.Ordinal) || v.StartsWith("sk_", StringComparison.Ordinal)
            || v.StartsWith("ghp_", StringComparison.Ordinal) || v.StartsWith("xox", StringComparison.Ordinal))
        {
            return true;
        }

        string[] connectionParts = ["password=", "pwd=", "accountkey=", "sharedaccesskey=", "sharedaccesssignature=", "user id=", "secret="];
        var lower = v.ToLowerInvariant();
        if (connectionParts.Any(p => lower.Contains(p, StringComparison.Ordinal)))
        {
            return true;
        }

        // scheme://user:password@host
        var scheme = lower.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0 && lower.IndexOf('@', scheme) > scheme && lower.IndexOf(':', scheme + 3) is var colon && colon > 0 && colon < lower.IndexOf('@', scheme))
        {
            return true;
        }

        // A signed URL (Azure SAS "?sv=...&sig=...", S3 "X-Amz-Signature=") carries its credential in the query.
        if (lower.Contains("?sig=", StringComparison.Ordinal) || lower.Contains("&sig=", StringComparison.Ordinal)
            || lower.Contains("x-amz-signature=", StringComparison.Ordinal) || lower.Contains("x-goog-signature=", StringComparison.Ordinal))
        {
            return true;
        }

        // Well-known key shapes anywhere in the text (not only at its start): "my key is sk-live-...".
        return KeyShapePattern().IsMatch(v);
    }

    /// <summary>Shapes of provider keys and tokens: OpenAI/Stripe, Google, AWS, JWT, Hugging Face, GitHub, GitLab, Slack, PEM.</summary>
    [GeneratedRegex(
        @"(?:\bsk-[A-Za-z0-9_\-]{8,}|\b[sr]k_(?:live|test)_[A-Za-z0-9]{8,}|\bAIza[0-9A-Za-z_\-]{30,}|\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"
        + @"|\beyJ[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}\.[A-Za-z0-9_\-]{5,}|\bhf_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}"
        + @"|\bgh[pousr]_[A-Za-z0-9]{20,}|\bglpat-[A-Za-z0-9_\-]{20,}|\bxox[abprse]-[A-Za-z0-9\-]{10,}|-----BEGIN [A-Z ]*PRIVATE KEY-----"
        + @"|\bBearer\s+[A-Za-z0-9._~+/=\-]{8,})",
        RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex KeyShapePattern();

    /// <summary>
    /// A copy of a free-form map (module, demo, signature or field <c>metadata</c>) without credential-like keys or
    /// values at any depth; network locations are kept (they are not secrets unless they carry one).
    /// </summary>
    public static JsonObject ScrubMetadata(IEnumerable<KeyValuePair<string, JsonNode?>>? metadata, ICollection<string>? dropped = null, string prefix = "") =>
        ScrubConfig(metadata, includeEndpoint: true, dropped, prefix);

    /// <summary>
    /// The provider config to save or load: allowlisted model parameters whose values contain no credential,
    /// plus endpoint keys when <paramref name="includeEndpoint"/>.
    /// </summary>
    public static JsonObject FilterProviderConfig(IEnumerable<KeyValuePair<string, JsonNode?>>? config, bool includeEndpoint, ICollection<string>? dropped = null)
    {
        var result = new JsonObject();
        if (config is null)
        {
            return result;
        }

        foreach (var (key, value) in config)
        {
            var allowed = (SafeProviderKeys.Contains(key) && !IsCredentialKey(key))
                || (includeEndpoint && EndpointKeys.Contains(key) && value is JsonValue);
            if (allowed && !ContainsCredential(value))
            {
                result[key] = value?.DeepClone();
            }
            else
            {
                dropped?.Add(key);
            }
        }

        return result;
    }

    /// <summary>
    /// A copy of a module or adapter config without credential-like keys (at any depth) or credential-like string values,
    /// and without endpoint keys unless <paramref name="includeEndpoint"/>.
    /// </summary>
    public static JsonObject ScrubConfig(IEnumerable<KeyValuePair<string, JsonNode?>>? config, bool includeEndpoint, ICollection<string>? dropped = null, string prefix = "")
    {
        var result = new JsonObject();
        if (config is null)
        {
            return result;
        }

        foreach (var (key, value) in config)
        {
            if (IsCredentialKey(key) || (!includeEndpoint && EndpointKeys.Contains(key)))
            {
                dropped?.Add(prefix + key);
                continue;
            }

            var scrubbed = Scrub(value, includeEndpoint, dropped, prefix + key + ".");
            if (scrubbed.Keep)
            {
                result[key] = scrubbed.Node;
            }
            else
            {
                dropped?.Add(prefix + key);
            }
        }

        return result;
    }

    private static (bool Keep, JsonNode? Node) Scrub(JsonNode? node, bool includeEndpoint, ICollection<string>? dropped, string prefix)
    {
        switch (node)
        {
            case null:
                return (true, null);
            case JsonObject obj:
                return (true, ScrubConfig(obj, includeEndpoint, dropped, prefix));
            case JsonArray array:
                var copy = new JsonArray();
                foreach (var item in array)
                {
                    var s = Scrub(item, includeEndpoint, dropped, prefix);
                    if (s.Keep)
                    {
                        copy.Add(s.Node);
                    }
                }

                return (true, copy);
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return LooksLikeCredentialValue(v.GetValue<string>()) ? (false, null) : (true, v.DeepClone());
            default:
                return (true, node.DeepClone());
        }
    }

    private static bool ContainsCredential(JsonNode? node) => node switch
    {
        null => false,
        JsonObject obj => obj.Any(p => IsCredentialKey(p.Key) || ContainsCredential(p.Value)),
        JsonArray array => array.Any(ContainsCredential),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => LooksLikeCredentialValue(v.GetValue<string>()),
        _ => false,
    };

    /// <summary>The words of a key after NFKC normalization: "db_pass" → db, pass; "userPw" → user, pw; "ｐａｓｓ" → pass.</summary>
    private static IEnumerable<string> Words(string key)
    {
        var text = Fold(key);
        var word = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var boundary = !char.IsLetterOrDigit(c) || (char.IsUpper(c) && i > 0 && char.IsLower(text[i - 1]));
            if (boundary && word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }

            if (char.IsLetterOrDigit(c))
            {
                word.Append(char.ToLowerInvariant(c));
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }

    /// <summary>NFKC, so that full-width or ligature spellings (ｐａｓｓｗｏｒｄ) compare as their ASCII letters.</summary>
    private static string Fold(string key)
    {
        try
        {
            return key.IsNormalized(NormalizationForm.FormKC) ? key : key.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Lone surrogates cannot be normalized; compare the text as it is.
            return key;
        }
    }

    private static string Normalize(string rawKey)
    {
        var key = Fold(rawKey);
        Span<char> buffer = key.Length <= 256 ? stackalloc char[key.Length] : new char[key.Length];
        var n = 0;
        foreach (var c in key)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }
}
