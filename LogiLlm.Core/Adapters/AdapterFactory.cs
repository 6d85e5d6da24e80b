using System.Text.Json.Nodes;

namespace LogiLlm.Adapters;

/// <summary>Creates adapters by name from an allowlist (never by reflection on a name from a file).</summary>
public static class AdapterFactory
{
    private static readonly Dictionary<string, Func<JsonObject?, IAdapter>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ChatAdapter"] = c => new ChatAdapter(c),
        ["chat"] = c => new ChatAdapter(c),
        ["JSONAdapter"] = c => new JsonAdapter(c),
        ["json"] = c => new JsonAdapter(c),
        ["XMLAdapter"] = c => new XmlAdapter(c),
        ["xml"] = c => new XmlAdapter(c),
        ["MarkdownAdapter"] = c => new MarkdownAdapter(c),
        ["markdown"] = c => new MarkdownAdapter(c),
    };

    /// <summary>The wire names of the built-in adapters.</summary>
    public static IReadOnlyList<string> WireNames { get; } = ["ChatAdapter", "JSONAdapter", "XMLAdapter", "MarkdownAdapter"];

    /// <summary>True when <paramref name="name"/> is an allowed adapter name (wire name or chat/json/xml/markdown, any case).</summary>
    public static bool IsKnown(string? name) => name is not null && Factories.ContainsKey(name.Trim());

    /// <summary>Creates the adapter called <paramref name="name"/> with a copy of <paramref name="config"/>.</summary>
    /// <exception cref="ArgumentException">The name is not on the allowlist.</exception>
    public static IAdapter Create(string name, JsonObject? config = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Factories.TryGetValue(name.Trim(), out var factory))
        {
            throw new ArgumentException($"Unknown adapter '{name}'; expected one of {string.Join(", ", WireNames)} (or chat, json, xml, markdown).", nameof(name));
        }

        return factory(config);
    }
}
