using System.Collections.Concurrent;
using System.Globalization;
using LogiLlm.Hosting;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Registry;
using Microsoft.Extensions.Options;
using ZiggyCreatures.Caching.Fusion;

namespace LogiLlm.Inference.Modules;

/// <summary>
/// Resolves a module reference to a loaded module through the shared module cache (FusionCache: memory, then Redis,
/// with a backplane), then the trainer's registry; every document is validated by <see cref="ModuleLoader"/> before it
/// is served. What a reference points at has a bounded lifetime (<see cref="ModuleCacheOptions.AliasLifetime"/>) and is
/// revalidated against the registry, refreshed eagerly before it expires, and served stale while the registry is
/// unreachable (fail-safe); documents are keyed by content digest. Loaded modules are bounded (<see cref="LoadedModules"/>).
/// </summary>
public sealed class ModuleResolver(
    [FromKeyedServices(ModuleCacheKeys.CacheName)] IFusionCache cache,
    TrainerClient trainer,
    LoadedModules loaded,
    Provider provider,
    ModuleFileOptions files,
    IOptions<ModuleCacheOptions> options,
    ILogger<ModuleResolver> logger)
{
    // Unknown modules are remembered briefly only, so a first import is served at once.
    private static readonly TimeSpan NotFoundLifetime = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<string, byte> _pointerKeys = new(StringComparer.Ordinal);

    /// <summary>The modules loaded in memory.</summary>
    public LoadedModules Loaded => loaded;

    private ModuleCacheOptions Options => options.Value;

    /// <summary>Resolves <paramref name="reference"/>, or returns <c>null</c> when the registry has no such module.</summary>
    /// <exception cref="PersistenceException">The registry returned a document that does not load.</exception>
    public async Task<ResolvedModule?> ResolveAsync(ModuleRef reference, CancellationToken cancellationToken)
    {
        var label = reference.Version?.ToString(CultureInfo.InvariantCulture) ?? reference.EffectiveAlias;
        var key = ModuleCacheKeys.Pointer(reference.Name, label);
        _pointerKeys.TryAdd(key, 0);
        var pointer = await cache.GetOrSetAsync<ModulePointer?>(
            key, (context, token) => FetchPointerAsync(reference.Name, label, context, token), PointerOptions(reference.Version is null), cancellationToken);
        return pointer is null
            ? null
            : await loaded.GetOrLoadAsync(LoadedModules.KeyOf(pointer), () => LoadAsync(pointer), cancellationToken);
    }

    /// <summary>
    /// Marks every reference this replica resolved as stale, so the next request revalidates it (stale values stay as
    /// a fallback). Called when the connection to Redis is restored: changes announced meanwhile were missed.
    /// </summary>
    public async Task ResynchronizeAsync(CancellationToken cancellationToken)
    {
        var localOnly = new FusionCacheEntryOptions { SkipDistributedCacheRead = true, SkipDistributedCacheWrite = true, SkipBackplaneNotifications = true };
        foreach (var key in _pointerKeys.Keys)
        {
            await cache.ExpireAsync(key, localOnly, cancellationToken);
        }

        logger.LogInformation("Revalidating {Count} module reference(s) after reconnecting to Redis", _pointerKeys.Count);
    }

    private FusionCacheEntryOptions PointerOptions(bool alias) => ModuleCacheRegistration.PointerOptions(Options, alias);

    private async Task<ModulePointer?> FetchPointerAsync(string name, string label, FusionCacheFactoryExecutionContext<ModulePointer?> context, CancellationToken cancellationToken)
    {
        var listing = await trainer.GetVersionsAsync(name, cancellationToken);
        int? version = listing is null ? null
            : int.TryParse(label, NumberStyles.None, CultureInfo.InvariantCulture, out var exact) ? exact
            : listing.Aliases.TryGetValue(label, out var aliased) ? aliased : null;
        var info = version is { } v ? listing?.Versions.FirstOrDefault(x => x.Version == v) : null;
        if (info is null)
        {
            context.Options.Duration = NotFoundLifetime;
            return null;
        }

        return new ModulePointer(name, info.Version, info.Sha256);
    }

    private async Task<ResolvedModule?> LoadAsync(ModulePointer pointer)
    {
        var document = await cache.GetOrSetAsync<string?>(
            ModuleCacheKeys.Document(pointer.Sha256), (context, token) => FetchDocumentAsync(pointer, context, token), ModuleCacheRegistration.DocumentOptions(Options));
        return document is null ? null : Load(pointer, document);
    }

    private async Task<string?> FetchDocumentAsync(ModulePointer pointer, FusionCacheFactoryExecutionContext<string?> context, CancellationToken cancellationToken)
    {
        var fetched = await trainer.GetAsync(pointer.Name, pointer.Version.ToString(CultureInfo.InvariantCulture), cancellationToken);
        if (fetched is null || Digest(fetched.Document) != pointer.Sha256)
        {
            // The registry changed under the pointer (rebuilt, or the version is gone): forget the pointer, cache nothing.
            logger.LogWarning("Module {Module}@{Version} no longer has document {Sha256} in the registry; revalidating", pointer.Name, pointer.Version, pointer.Sha256);
            context.Options.Duration = TimeSpan.Zero;
            context.Options.SkipDistributedCacheWrite = true;
            await cache.RemoveAsync(ModuleCacheKeys.Pointer(pointer.Name, pointer.Version.ToString(CultureInfo.InvariantCulture)), token: cancellationToken);
            return null;
        }

        return fetched.Document;
    }

    private ResolvedModule Load(ModulePointer pointer, string document)
    {
        var digest = Digest(document);
        if (digest != pointer.Sha256)
        {
            throw new PersistenceException($"The cached document of module {pointer.Name}@{pointer.Version} does not match its digest {pointer.Sha256}.");
        }

        // With ModuleSigning:Key set, a version not signed with it (or altered since) is refused.
        var module = ModuleLoader.LoadFromString(document, files.Require);
        module.Provider = provider;
        var mismatch = DescribeMismatch(module.SavedProvider);
        if (mismatch is not null)
        {
            logger.LogWarning("Module {Module}@{Version}: {ProviderMismatch}", pointer.Name, pointer.Version, mismatch);
        }

        logger.LogInformation("Loaded module {Module}@{Version} ({ModuleType}); {Loaded} of at most {Capacity} loaded", pointer.Name, pointer.Version, module.ModuleType, loaded.Count + 1, loaded.Capacity);
        return new ResolvedModule(pointer.Name, pointer.Version, module, digest, mismatch);
    }

    private static string Digest(string document) => DocumentDigest.Of(document);

    private string? DescribeMismatch(SavedProviderConfig? saved)
    {
        if (saved is null)
        {
            return null;
        }

        var sameName = string.Equals(saved.Name, provider.Name, StringComparison.OrdinalIgnoreCase);
        var sameModel = string.IsNullOrEmpty(saved.Model) || string.Equals(saved.Model, provider.Model, StringComparison.OrdinalIgnoreCase);
        return sameName && sameModel
            ? null
            : $"saved with provider '{saved.Name}' model '{saved.Model}', served with provider '{provider.Name}' model '{provider.Model}'; answers may differ from the ones it was optimized for.";
    }
}
