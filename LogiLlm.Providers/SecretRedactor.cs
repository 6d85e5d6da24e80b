using System.Text.RegularExpressions;

namespace LogiLlm.Providers;

/// <summary>Removes API keys and bearer tokens from text that may reach a log, a trace or an exception message.</summary>
internal sealed partial class SecretRedactor
{
    private const string Mask = "***";
    private readonly string[] _secrets;

    public SecretRedactor(params string?[] secrets)
    {
        // Only mask values long enough to be real secrets; masking "a" would shred every message.
        _secrets = secrets.Where(s => !string.IsNullOrEmpty(s) && s.Length >= 4).Select(s => s!).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Whether <paramref name="text"/> contains one of the secrets.</summary>
    public bool Contains(string? text) =>
        text is not null && _secrets.Any(s => text.Contains(s, StringComparison.Ordinal));

    /// <summary>Whether the exception, its inner exceptions or their stack text contain a secret.</summary>
    public bool Contains(Exception ex) => Contains(ex.ToString());

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
        foreach (var s in _secrets) text = text.Replace(s, Mask, StringComparison.Ordinal);
        text = BearerPattern().Replace(text, "$1" + Mask);
        return ApiKeyHeaderPattern().Replace(text, "$1" + Mask);
    }

    [GeneratedRegex(@"(Bearer\s+)[A-Za-z0-9._~+/=\-]{8,}", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex BearerPattern();

    [GeneratedRegex(@"((?:x-api-key|api-key)\s*[:=]\s*""?)[^\s"",;]{4,}", RegexOptions.IgnoreCase | RegexOptions.NonBacktracking)]
    private static partial Regex ApiKeyHeaderPattern();
}
