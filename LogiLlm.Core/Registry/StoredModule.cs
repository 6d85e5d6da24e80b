namespace LogiLlm.Registry;

/// <summary>A module document read from a store, with the version it resolved to.</summary>
/// <param name="Info">The resolved version.</param>
/// <param name="Document">The saved module JSON, exactly as published.</param>
public sealed record StoredModule(ModuleVersionInfo Info, string Document)
{
    /// <summary>Module name.</summary>
    public string Name => Info.Name;

    /// <summary>Resolved version.</summary>
    public int Version => Info.Version;
}
