namespace LogiLlm.Providers;

/// <summary>
/// Counts the HTTP attempts of one logical provider call: the error mapping opens a scope, the transport's
/// <see cref="AttemptCountingHandler"/> (inside the retry handler) counts every request it sends on that call's flow.
/// </summary>
internal sealed class ProviderCallScope
{
    private static readonly AsyncLocal<ProviderCallScope?> CurrentScope = new();
    private int _attempts;

    /// <summary>The scope of the call running on this async flow, or null outside one.</summary>
    public static ProviderCallScope? Current => CurrentScope.Value;

    /// <summary>HTTP requests sent so far; at least 1 once the call failed or answered (clients without HTTP make one attempt).</summary>
    public int Attempts => Math.Max(1, Volatile.Read(ref _attempts));

    /// <summary>Opens a scope for the current async flow (it ends with the calling async method).</summary>
    public static ProviderCallScope Begin()
    {
        var scope = new ProviderCallScope();
        CurrentScope.Value = scope;
        return scope;
    }

    public void CountAttempt() => Interlocked.Increment(ref _attempts);
}

/// <summary>Counts the requests the retry handler sends for the current <see cref="ProviderCallScope"/>.</summary>
internal sealed class AttemptCountingHandler(HttpMessageHandler inner, bool ownsInner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ProviderCallScope.Current?.CountAttempt();
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ProviderCallScope.Current?.CountAttempt();
        return base.Send(request, cancellationToken);
    }

    protected override void Dispose(bool disposing)
    {
        // A handler passed in through ProviderOptions.HttpHandler belongs to the caller.
        if (ownsInner) base.Dispose(disposing);
    }
}
