using System.Text.Json.Nodes;

namespace LogiLlm.Studio.Registry;

/// <summary>What changed from one version of a module to another: instructions, config keys, demos added and removed.</summary>
public sealed record ModuleDiff(
    int From,
    int To,
    string? InstructionsBefore,
    string? InstructionsAfter,
    IReadOnlyList<ConfigChange> Config,
    IReadOnlyList<string> DemosAdded,
    IReadOnlyList<string> DemosRemoved,
    string? SignatureBefore,
    string? SignatureAfter)
{
    public bool InstructionsChanged => !string.Equals(InstructionsBefore, InstructionsAfter, StringComparison.Ordinal);

    public bool SignatureChanged => !string.Equals(SignatureBefore, SignatureAfter, StringComparison.Ordinal);

    public bool IsEmpty => !InstructionsChanged && !SignatureChanged && Config.Count == 0 && DemosAdded.Count == 0 && DemosRemoved.Count == 0;

    public static ModuleDiff Between(int from, ModuleDocument before, int to, ModuleDocument after)
    {
        var config = new List<ConfigChange>();
        foreach (var key in before.Config.Select(p => p.Key).Union(after.Config.Select(p => p.Key)).Order(StringComparer.Ordinal))
        {
            var old = before.Config.TryGetPropertyValue(key, out var o) ? ModuleDocument.Canonical(o) : null;
            var now = after.Config.TryGetPropertyValue(key, out var n) ? ModuleDocument.Canonical(n) : null;
            if (!string.Equals(old, now, StringComparison.Ordinal))
            {
                config.Add(new ConfigChange(key, old, now));
            }
        }

        var beforeDemos = before.Demos;
        var afterDemos = after.Demos;
        return new ModuleDiff(
            from, to, before.Instructions, after.Instructions, config,
            MultisetExcept(afterDemos, beforeDemos), MultisetExcept(beforeDemos, afterDemos),
            before.Signature, after.Signature);
    }

    /// <summary>Items of <paramref name="left"/> not matched one-for-one in <paramref name="right"/>, in order.</summary>
    private static List<string> MultisetExcept(IReadOnlyList<string> left, IReadOnlyList<string> right)
    {
        var counts = right.GroupBy(d => d, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var item in left)
        {
            if (counts.TryGetValue(item, out var count) && count > 0)
            {
                counts[item] = count - 1;
            }
            else
            {
                result.Add(item);
            }
        }

        return result;
    }
}

/// <summary>A config key whose value differs (null: absent on that side).</summary>
public sealed record ConfigChange(string Key, string? Before, string? After);
