namespace LogiLlm.Registry;

/// <summary>
/// A registry of saved modules: immutable numbered versions per name, and movable aliases
/// (<c>latest</c> is moved by every publish; others such as <c>production</c> by <see cref="SetAliasAsync"/>).
/// </summary>
public interface IModuleStore
{
    /// <summary>Stores <paramref name="document"/> as a new immutable version and moves <c>latest</c> to it.</summary>
    Task<ModuleVersionInfo> PublishAsync(string name, string document, CancellationToken cancellationToken = default);

    /// <summary>Resolves a reference and reads the document, or returns <c>null</c> if name, version or alias is unknown.</summary>
    Task<StoredModule?> GetAsync(ModuleRef reference, CancellationToken cancellationToken = default);

    /// <summary>Names of all modules with at least one version, ordered.</summary>
    Task<IReadOnlyList<string>> ListModulesAsync(CancellationToken cancellationToken = default);

    /// <summary>All versions of a module in ascending order (empty when unknown).</summary>
    Task<IReadOnlyList<ModuleVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Points <paramref name="alias"/> at an existing <paramref name="version"/>.</summary>
    /// <exception cref="KeyNotFoundException">The version does not exist.</exception>
    Task SetAliasAsync(string name, string alias, int version, CancellationToken cancellationToken = default);

    /// <summary>Aliases of a module and the versions they point to (includes <c>latest</c>).</summary>
    Task<IReadOnlyDictionary<string, int>> GetAliasesAsync(string name, CancellationToken cancellationToken = default);
}
