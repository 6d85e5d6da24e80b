using LogiLlm.Registry;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>A registry that runs a test's hook right after its first successful publish (to lose a lease at that moment).</summary>
public sealed class HookedModuleStore(IModuleStore inner) : IModuleStore
{
    private int _published;

    public Func<Task>? AfterFirstPublish { get; set; }

    /// <summary>Runs inside the first publish, with its document, before anything is written (a publish still in flight).</summary>
    public Func<string, Task>? DuringFirstPublish { get; set; }

    public int Publishes => Volatile.Read(ref _published);

    public async Task<ModuleVersionInfo> PublishAsync(string name, string document, CancellationToken cancellationToken = default)
    {
        var first = Interlocked.Increment(ref _published) == 1;
        if (first && DuringFirstPublish is { } during)
        {
            await during(document);
        }

        var info = await inner.PublishAsync(name, document, cancellationToken);
        if (first && AfterFirstPublish is { } hook)
        {
            await hook();
        }

        return info;
    }

    public Task<StoredModule?> GetAsync(ModuleRef reference, CancellationToken cancellationToken = default) => inner.GetAsync(reference, cancellationToken);

    public Task<IReadOnlyList<string>> ListModulesAsync(CancellationToken cancellationToken = default) => inner.ListModulesAsync(cancellationToken);

    public Task<IReadOnlyList<ModuleVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken = default) => inner.ListVersionsAsync(name, cancellationToken);

    public Task SetAliasAsync(string name, string alias, int version, CancellationToken cancellationToken = default) => inner.SetAliasAsync(name, alias, version, cancellationToken);

    public Task<IReadOnlyDictionary<string, int>> GetAliasesAsync(string name, CancellationToken cancellationToken = default) => inner.GetAliasesAsync(name, cancellationToken);
}
