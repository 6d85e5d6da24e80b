using System.Security.Cryptography;
using System.Text;

namespace LogiLlm.Security;

/// <summary>
/// The configured API keys, kept only as SHA-256 digests and compared in constant time, so that neither the timing of
/// a comparison nor a memory dump of this object tells a caller how close a guess was.
/// </summary>
public sealed class ApiKeySet
{
    private readonly List<Entry> _entries = [];

    /// <summary>A key that matched: its role and a stable id that names it without revealing it (<c>predict-key-2</c>).</summary>
    public sealed record Match(string Role, string KeyId);

    private sealed record Entry(byte[] Digest, Match Match);

    /// <summary>Builds the set from the configured keys of both roles.</summary>
    public ApiKeySet(ApiKeyOptions options)
    {
        Add(LogiLlmRoles.Admin, options.AdminKeys);
        Add(LogiLlmRoles.Predict, options.PredictKeys);
    }

    /// <summary>Number of keys configured.</summary>
    public int Count => _entries.Count;

    /// <summary>Finds the key among the configured ones; every entry is compared, whatever matched first.</summary>
    public Match? Find(string presented)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        Match? found = null;
        foreach (var entry in _entries)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, entry.Digest) && found is null)
            {
                found = entry.Match;
            }
        }

        return found;
    }

    private void Add(string role, IReadOnlyList<string> keys)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            _entries.Add(new Entry(SHA256.HashData(Encoding.UTF8.GetBytes(keys[i])), new Match(role, $"{role}-key-{i + 1}")));
        }
    }
}
