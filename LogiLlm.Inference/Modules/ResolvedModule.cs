namespace LogiLlm.Inference.Modules;

/// <summary>A module loaded and validated from the registry, ready to serve.</summary>
/// <param name="Name">Module name.</param>
/// <param name="Version">Exact version.</param>
/// <param name="Module">The loaded module, bound to this service's provider.</param>
public sealed record ResolvedModule(string Name, int Version, Module Module);
