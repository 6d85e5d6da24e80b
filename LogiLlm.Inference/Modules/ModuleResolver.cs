using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Registry;
using StackExchange.Redis;

namespace LogiLlm.Inference.Modules;

/// <summary>
/// Resolves a module reference to a loaded module: memory, then Redis (module state shared by replicas), then the
/// trainer's registry; every document is validated by <see cref="ModuleLoader"/> before it is served.
/// Keeps serving what it holds in memory when Redis or the trainer is down.
/// </summary>
public sealed class ModuleResolver(
    IConnectionMultiplexer redis,
    TrainerClient trainer,
    Provider provider,
    LogiLlm.Hosting.ModuleFileOptions files,
    ILogger<ModuleResolver> logger)
{
    private static readonly TimeSpan AliasTtl = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<(string Name, int Version), Lazy<Task<ResolvedModule?>>> _modules = new();
    private readonly ConcurrentDictionary<(string Name, string Alias), int> _aliases = new();

    /// <summary>Redis key of a module version's saved document.</summary>
    public static string ModuleKey(string name, int version) =>
        $"logillm:module:{name}:{version.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Redis key of the version an alias points at.</summary>
    public static string AliasKey(string name, string alias) => $"logillm:alias:{name}:{alias}";

    /// <summary>Resolves <paramref name="reference"/>, or returns <c>null</c> when the registry has no such module.</summary>
    /// <exception cref="PersistenceException">The registry returned a document that does not load.</exception>
    public async Task<ResolvedModule?> ResolveAsync(ModuleRef reference, CancellationToken cancellationToken)
    {
        var version = reference.Version ?? await ResolveAliasAsync(reference.Name, reference.EffectiveAlias, cancellationToken);
        return version is { } v ? await GetVersionAsync(reference.Name, v, cancellationToken) : null;
    }

    /// <summary>Points an alias at a version after the trainer announced a change, loading the version first.</summary>
    public async Task ApplyChangeAsync(ModuleChange change, CancellationToken cancellationToken)
    {
        // Load before switching, so requests keep being served by the old version until the new one is ready.
        var loaded = await GetVersionAsync(change.Name, change.Version, cancellationToken);
        if (loaded is null)
        {
            logger.LogWarning("Module {Module}@{Version} was announced but could not be fetched; dropping cached aliases.", change.Name, change.Version);
        }

        foreach (var alias in change.Aliases)
        {
            if (loaded is null)
            {
                _aliases.TryRemove((change.Name, alias), out _);
            }
            else
            {
                _aliases[(change.Name, alias)] = change.Version;
            }

            await TryRedisAsync(db => db.StringSetAsync(AliasKey(change.Name, alias), change.Version, AliasTtl));
        }
    }

    private async Task<int?> ResolveAliasAsync(string name, string alias, CancellationToken cancellationToken)
    {
        if (_aliases.TryGetValue((name, alias), out var known))
        {
            return known;
        }

        var cached = await TryRedisAsync(db => db.StringGetAsync(AliasKey(name, alias)));
        if (cached is { HasValue: true } && int.TryParse(cached.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var fromRedis))
        {
            _aliases[(name, alias)] = fromRedis;
            return fromRedis;
        }

        var fetched = await trainer.GetAsync(name, alias, cancellationToken);
        if (fetched is null)
        {
            return null;
        }

        // The document came with the alias lookup: keep it, so the version lookup below needs no second trip.
        await StoreDocumentAsync(fetched);
        _modules.TryAdd((name, fetched.Version), new Lazy<Task<ResolvedModule?>>(() => Task.FromResult<ResolvedModule?>(Load(fetched))));
        _aliases[(name, alias)] = fetched.Version;
        await TryRedisAsync(db => db.StringSetAsync(AliasKey(name, alias), fetched.Version, AliasTtl));
        return fetched.Version;
    }

    private async Task<ResolvedModule?> GetVersionAsync(string name, int version, CancellationToken cancellationToken)
    {
        var key = (name, version);
        var lazy = _modules.GetOrAdd(key, k => new Lazy<Task<ResolvedModule?>>(() => FetchVersionAsync(k.Name, k.Version, CancellationToken.None)));
        try
        {
            var resolved = await lazy.Value.WaitAsync(cancellationToken);
            if (resolved is null)
            {
                _modules.TryRemove(new KeyValuePair<(string, int), Lazy<Task<ResolvedModule?>>>(key, lazy));
            }

            return resolved;
        }
        catch (Exception) when (lazy.Value.IsFaulted)
        {
            // A failed fetch must not poison the cache; the next request tries again.
            _modules.TryRemove(new KeyValuePair<(string, int), Lazy<Task<ResolvedModule?>>>(key, lazy));
            throw;
        }
    }

    private async Task<ResolvedModule?> FetchVersionAsync(string name, int version, CancellationToken cancellationToken)
    {
        var cached = await TryRedisAsync(db => db.StringGetAsync(ModuleKey(name, version)));
        if (cached is { HasValue: true })
        {
            return Load(new TrainerClient.FetchedModule(name, version, cached.ToString()));
        }

        var fetched = await trainer.GetAsync(name, version.ToString(CultureInfo.InvariantCulture), cancellationToken);
        if (fetched is null)
        {
            return null;
        }

        var resolved = Load(fetched);
        await StoreDocumentAsync(fetched);
        return resolved;
    }

    private ResolvedModule Load(TrainerClient.FetchedModule fetched)
    {
        // With ModuleSigning:Key set, a version not signed with it (or altered since) is refused.
        var module = ModuleLoader.LoadFromString(fetched.Document, files.Require);
        module.Provider = provider;
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(fetched.Document)));
        var mismatch = DescribeMismatch(SavedProviderConfig.Of(module));
        if (mismatch is not null)
        {
            logger.LogWarning("Module {Module}@{Version}: {ProviderMismatch}", fetched.Name, fetched.Version, mismatch);
        }

        logger.LogInformation("Loaded module {Module}@{Version} ({ModuleType})", fetched.Name, fetched.Version, module.ModuleType);
        return new ResolvedModule(fetched.Name, fetched.Version, module, digest, mismatch);
    }

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

    private Task StoreDocumentAsync(TrainerClient.FetchedModule fetched) =>
        TryRedisAsync(db => db.StringSetAsync(ModuleKey(fetched.Name, fetched.Version), fetched.Document));

    private async Task<T?> TryRedisAsync<T>(Func<IDatabase, Task<T>> action)
    {
        try
        {
            return await action(redis.GetDatabase());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Redis is unavailable; serving from memory and the trainer.");
            return default;
        }
    }
}
