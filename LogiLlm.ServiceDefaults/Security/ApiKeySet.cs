using System.Buffers;
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

    /// <summary>Longest presented key (UTF-8 bytes) hashed from a stack buffer; a longer one borrows a pooled array.</summary>
    private const int StackKeyBytes = 256;

    /// <summary>
    /// Finds the key among the configured ones; every entry is compared, whatever matched first. The presented key is
    /// encoded and hashed in buffers of this call (on the stack, or a pooled array cleared before it goes back), so a
    /// request allocates nothing here.
    /// </summary>
    public Match? Find(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var maxBytes = Encoding.UTF8.GetMaxByteCount(presented.Length);
        byte[]? rented = null;
        Span<byte> buffer = maxBytes <= StackKeyBytes ? stackalloc byte[StackKeyBytes] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        var length = Encoding.UTF8.GetBytes(presented, buffer);
        try
        {
            SHA256.HashData(buffer[..length], digest);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer[..length]);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

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
