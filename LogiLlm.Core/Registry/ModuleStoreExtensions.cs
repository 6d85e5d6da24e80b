using LogiLlm.Persistence;

namespace LogiLlm.Registry;

/// <summary>Publishing and loading <see cref="Module"/> objects (rather than documents) through an <see cref="IModuleStore"/>.</summary>
public static class ModuleStoreExtensions
{
    /// <summary>Saves <paramref name="module"/> (see <see cref="ModuleSaver"/>) as a new version of <paramref name="name"/>.</summary>
    public static Task<ModuleVersionInfo> PublishModuleAsync(this IModuleStore store, string name, Module module, SaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(module);
        return store.PublishAsync(name, ModuleSaver.SaveToString(module, options), cancellationToken);
    }

    /// <summary>
    /// Resolves <paramref name="reference"/> and loads the module with all of <see cref="ModuleLoader"/>'s checks;
    /// errors name the source as <c>name@version</c>. Returns null when the reference does not resolve.
    /// </summary>
    /// <exception cref="PersistenceException">The stored document does not load.</exception>
    public static async Task<LoadResult?> LoadModuleAsync(this IModuleStore store, ModuleRef reference, LoadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var stored = await store.GetAsync(reference, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : ModuleLoader.LoadNamed(stored.Document, options, stored.Info.Ref.ToString());
    }
}
