using System.Text.Json.Nodes;
using LogiLlm.Demos;

namespace LogiLlm;

/// <summary>
/// What <see cref="Module.Derive"/> changes to make a new version without re-training: config keys, the instructions, demos
/// removed (by index into the current demos) and demos added. Everything else is kept.
/// </summary>
public sealed record ModuleDerivation
{
    /// <summary>Config keys to set; a null value removes the key.</summary>
    public IReadOnlyDictionary<string, JsonNode?>? Config { get; init; }

    /// <summary>New instructions of the signature (null = unchanged, empty = none).</summary>
    public string? Instructions { get; init; }

    /// <summary>Indices into the current <see cref="DemoManager.Demos"/> to remove (applied before <see cref="AddDemos"/>).</summary>
    public IReadOnlyList<int>? RemoveDemos { get; init; }

    /// <summary>Demos to append.</summary>
    public IReadOnlyList<Demo>? AddDemos { get; init; }

    /// <summary>What the source is called in the lineage (e.g. <c>email-classifier@3</c>); null = unnamed.</summary>
    public string? DerivedFrom { get; init; }

    /// <summary>True when nothing would change.</summary>
    public bool IsEmpty =>
        (Config is null || Config.Count == 0) && Instructions is null && (RemoveDemos is null || RemoveDemos.Count == 0) && (AddDemos is null || AddDemos.Count == 0);
}
