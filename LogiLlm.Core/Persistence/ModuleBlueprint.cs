using System.Text.Json.Nodes;
using LogiLlm.Signatures;

namespace LogiLlm.Persistence;

/// <summary>
/// What a <see cref="ModuleTypeRegistry"/> factory gets to construct a module from a file. After the factory returns,
/// the loader applies config, metadata, state, demos, adapter and the children's saved state onto the instance
/// (children the factory created are updated in place; missing ones are added).
/// </summary>
public sealed class ModuleBlueprint
{
    internal ModuleBlueprint(string moduleType, Signature? signature, JsonObject metadata, IReadOnlyList<string> childNames)
    {
        ModuleType = moduleType;
        Signature = signature;
        Metadata = metadata;
        ChildNames = childNames;
    }

    /// <summary>The <c>module_type</c> of the file.</summary>
    public string ModuleType { get; }

    /// <summary>The saved signature, or null when the module has none.</summary>
    public Signature? Signature { get; }

    /// <summary>A copy of the saved metadata (e.g. for factories that read their own settings from it).</summary>
    public JsonObject Metadata { get; }

    /// <summary>Names of the saved child modules, in file order.</summary>
    public IReadOnlyList<string> ChildNames { get; }
}
