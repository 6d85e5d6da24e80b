namespace LogiLlm.Inference.Modules;

/// <summary>
/// The modules loaded in this replica's memory, keyed by name, version and document digest: at most <c>capacity</c>, least recently used
/// dropped first, loaded on demand with one load per key at a time. A request holds its <see cref="ResolvedModule"/>,
/// so a module dropped while a request uses it still finishes that request.
/// </summary>
public sealed class LoadedModules(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, ResolvedModule Module)>> _byKey = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, ResolvedModule Module)> _recency = new();
    private readonly Dictionary<string, Task<ResolvedModule?>> _loading = new(StringComparer.Ordinal);

    /// <summary>Most modules kept.</summary>
    public int Capacity { get; } = capacity >= 1 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "At least one module must fit.");

    /// <summary>The key of a module version with a given document.</summary>
    public static string KeyOf(LogiLlm.Registry.ModulePointer pointer) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{pointer.Name}@{pointer.Version}#{pointer.Sha256}");

    /// <summary>Modules loaded now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byKey.Count;
            }
        }
    }

    /// <summary>Modules dropped to stay within <see cref="Capacity"/> since start.</summary>
    public long Evictions { get; private set; }

    /// <summary>The loaded module of <paramref name="key"/> (see <see cref="KeyOf"/>), loading it with <paramref name="load"/> when absent.</summary>
    public async Task<ResolvedModule?> GetOrLoadAsync(string key, Func<Task<ResolvedModule?>> load, CancellationToken cancellationToken)
    {
        Task<ResolvedModule?> loading;
        lock (_gate)
        {
            if (_byKey.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Module;
            }

            if (!_loading.TryGetValue(key, out loading!))
            {
                loading = LoadAndKeepAsync(key, load);
                _loading[key] = loading;
            }
        }

        return await loading.WaitAsync(cancellationToken);
    }

    private async Task<ResolvedModule?> LoadAndKeepAsync(string key, Func<Task<ResolvedModule?>> load)
    {
        await Task.Yield();
        try
        {
            var module = await load();
            if (module is not null)
            {
                Keep(key, module);
            }

            return module;
        }
        finally
        {
            lock (_gate)
            {
                _loading.Remove(key);
            }
        }
    }

    private void Keep(string key, ResolvedModule module)
    {
        lock (_gate)
        {
            if (_byKey.ContainsKey(key))
            {
                return;
            }

            _byKey[key] = _recency.AddFirst((key, module));
            while (_byKey.Count > Capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _byKey.Remove(oldest.Value.Key);
                Evictions++;
            }
        }
    }
}
