using System.Security.Cryptography;
using System.Text;

namespace LogiLlm.Studio.Access;

/// <summary>Constant-time comparison of a presented key with the configured ones (comma-separated while keys rotate).</summary>
public static class AdminKey
{
    public static bool Matches(string? presented, string? configured)
    {
        if (string.IsNullOrEmpty(presented) || string.IsNullOrEmpty(configured))
        {
            return false;
        }

        // Hashing first makes both sides the same length, so the comparison time says nothing about the key.
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var matched = false;
        foreach (var key in All(configured))
        {
            matched |= CryptographicOperations.FixedTimeEquals(digest, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        }

        return matched;
    }

    /// <summary>The key the Studio sends to the services: the first configured one.</summary>
    public static string? First(string? configured) => All(configured).FirstOrDefault();

    private static string[] All(string? configured) =>
        (configured ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
