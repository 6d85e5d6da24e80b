namespace LogiLlm.Providers;

/// <summary>
/// What the response cache did for the model calls of one unit of work (a prediction), flowing with the async context
/// like <see cref="ProviderCallScope"/>: a service begins one, runs the module, then reads whether every call was
/// answered from the cache. Calls outside any scope are not counted.
/// </summary>
public sealed class ResponseCacheScope : IDisposable
{
    private static readonly AsyncLocal<ResponseCacheScope?> CurrentScope = new();

    private readonly ResponseCacheScope? _outer;
    private int _hits;
    private int _misses;
    private int _bypassed;

    private ResponseCacheScope(ResponseCacheScope? outer) => _outer = outer;

    /// <summary>The innermost scope of this async context, or null.</summary>
    internal static ResponseCacheScope? Current => CurrentScope.Value;

    /// <summary>Calls answered from the cache.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Cacheable calls the cache did not answer (they went to the model).</summary>
    public int Misses => Volatile.Read(ref _misses);

    /// <summary>Calls that were not cacheable (not deterministic), or made without a cache.</summary>
    public int Bypassed => Volatile.Read(ref _bypassed);

    /// <summary>True when there was at least one model call and the cache answered all of them.</summary>
    public bool AnsweredFromCache => Hits > 0 && Misses == 0 && Bypassed == 0;

    /// <summary><c>hit</c> (all from the cache), <c>miss</c> (some cacheable call went to the model) or <c>off</c> (nothing cacheable).</summary>
    public string Outcome => AnsweredFromCache ? "hit" : Misses > 0 || Hits > 0 ? "miss" : "off";

    /// <summary>Begins a scope for the current async context (and the calls it makes).</summary>
    public static ResponseCacheScope Begin()
    {
        var scope = new ResponseCacheScope(CurrentScope.Value);
        CurrentScope.Value = scope;
        return scope;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (CurrentScope.Value == this)
        {
            CurrentScope.Value = _outer;
        }
    }

    internal void Hit() => Interlocked.Increment(ref _hits);

    internal void Miss() => Interlocked.Increment(ref _misses);

    internal void Bypass() => Interlocked.Increment(ref _bypassed);
}
