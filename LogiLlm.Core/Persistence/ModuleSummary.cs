using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Signatures;

namespace LogiLlm.Persistence;

/// <summary>What a module file holds, read without instantiating the module (see <see cref="ModuleInspector"/>).</summary>
public sealed record ModuleSummary
{
    /// <summary><c>module_type</c>.</summary>
    public required string ModuleType { get; init; }

    /// <summary><c>module_class</c> as written (informational).</summary>
    public string? ModuleClass { get; init; }

    /// <summary><c>logillm_version</c> (top level only).</summary>
    public string? LibraryVersion { get; init; }

    /// <summary><c>format_version</c> before migration (top level only).</summary>
    public int FormatVersion { get; init; }

    /// <summary><c>save_timestamp</c> (top level only).</summary>
    public string? SaveTimestamp { get; init; }

    /// <summary>Module state.</summary>
    public required string State { get; init; }

    /// <summary>The signature, if any.</summary>
    public Signature? Signature { get; init; }

    /// <summary>Module config.</summary>
    public required JsonObject Config { get; init; }

    /// <summary>Number of demos.</summary>
    public int DemoCount { get; init; }

    /// <summary>Number of teacher demos.</summary>
    public int TeacherDemoCount { get; init; }

    /// <summary>Most demos per prompt.</summary>
    public int MaxDemos { get; init; }

    /// <summary>Demo selection strategy wire name.</summary>
    public string SelectionStrategy { get; init; } = "best";

    /// <summary>Adapter wire name, if saved.</summary>
    public string? Adapter { get; init; }

    /// <summary>Saved provider, if any.</summary>
    public SavedProviderConfig? Provider { get; init; }

    /// <summary>Integrity status (top level only).</summary>
    public DigestStatus Digest { get; init; }

    /// <summary>Child modules by name.</summary>
    public IReadOnlyDictionary<string, ModuleSummary> Children { get; init; } = new Dictionary<string, ModuleSummary>();

    /// <summary>Warnings and notes found while reading.</summary>
    public IReadOnlyList<LoadDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>A few human-readable lines.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb, this, string.Empty);
        return sb.ToString().TrimEnd();
    }

    private static void Append(StringBuilder sb, ModuleSummary s, string indent)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $"{indent}{s.ModuleType} ({s.State})");
        if (s.Signature is not null)
        {
            sb.Append(inv, $": {s.Signature}");
        }

        sb.AppendLine();
        if (s.Signature?.Instructions is { } instructions)
        {
            sb.AppendLine(inv, $"{indent}  instructions: {instructions}");
        }

        if (s.Config.Count > 0)
        {
            sb.AppendLine(inv, $"{indent}  config: {s.Config.ToJsonString()}");
        }

        sb.AppendLine(inv, $"{indent}  demos: {s.DemoCount} (max {s.MaxDemos}, {s.SelectionStrategy}), teacher demos: {s.TeacherDemoCount}");
        if (s.Adapter is not null)
        {
            sb.AppendLine(inv, $"{indent}  adapter: {s.Adapter}");
        }

        if (s.Provider is not null)
        {
            sb.AppendLine(inv, $"{indent}  provider: {s.Provider.Name} ({s.Provider.Model})");
        }

        foreach (var (name, child) in s.Children)
        {
            sb.AppendLine(inv, $"{indent}  [{name}]");
            Append(sb, child, indent + "    ");
        }
    }
}
