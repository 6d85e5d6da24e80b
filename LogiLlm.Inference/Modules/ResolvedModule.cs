namespace LogiLlm.Inference.Modules;

/// <summary>A module loaded and validated from the registry, ready to serve.</summary>
/// <param name="Name">Module name.</param>
/// <param name="Version">Exact version.</param>
/// <param name="Module">The loaded module, bound to this service's provider.</param>
/// <param name="Digest">SHA-256 of the saved document (reported by describe and on the prediction span).</param>
/// <param name="ProviderMismatch">Why the serving provider differs from the one the module was saved with, or null.</param>
public sealed record ResolvedModule(string Name, int Version, Module Module, string Digest, string? ProviderMismatch);
