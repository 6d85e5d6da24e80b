namespace LogiLlm.Registry;

/// <summary>
/// Lifetimes of the shared module cache (<c>ModuleCache</c> section), read by the trainer (which writes entries when it
/// publishes) and by inference (which reads them and revalidates against the registry).
/// </summary>
public sealed class ModuleCacheOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "ModuleCache";

    /// <summary>
    /// How long what an alias (<c>latest</c>, <c>production</c>) points at is trusted before it is revalidated against
    /// the registry: the longest a replica that missed a change keeps serving the previous version.
    /// </summary>
    public TimeSpan AliasLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long what an exact version (<c>name@3</c>) points at is trusted (a rebuilt registry may change it).</summary>
    public TimeSpan VersionLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time to live of a document in Redis (documents are keyed by content digest, so never stale).</summary>
    public TimeSpan DocumentLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an expired entry may still be served while the registry cannot be reached (fail-safe).</summary>
    public TimeSpan FailSafeMaxDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Longest wait for Redis before going on without it (memory, then the registry).</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait for the registry after which a stale entry is served and the refresh finishes in the background.</summary>
    public TimeSpan RegistrySoftTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most modules kept loaded in memory per replica (least recently used ones are dropped first).</summary>
    public int MaxLoadedModules { get; set; } = 32;
}
