using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LogiLlm.Tests.Shared;

/// <summary>A chat client replying through a delegate that may wait; counts calls and the most calls in flight (tests and benches).</summary>
internal sealed class DelegateChatClient(Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<string>> reply) : IChatClient
{
    private int _calls;
    private int _inFlight;
    private int _maxInFlight;

    public int Calls => Volatile.Read(ref _calls);

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Starts counting afresh.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _calls, 0);
        Interlocked.Exchange(ref _maxInFlight, 0);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }

        try
        {
            var text = await reply(messages.ToArray(), options, cancellationToken).ConfigureAwait(false);
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, text));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
