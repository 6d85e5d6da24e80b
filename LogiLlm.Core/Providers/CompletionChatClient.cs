using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LogiLlm.Providers;

/// <summary>
/// Base of chat clients that answer a whole completion at once (mock, scripted, local): streaming replays the
/// completed response as updates, and <see cref="GetService"/> answers <see cref="ChatClientMetadata"/>.
/// </summary>
public abstract class CompletionChatClient : IChatClient
{
    /// <summary>Provider name reported in <see cref="ChatClientMetadata"/>.</summary>
    protected abstract string ProviderName { get; }

    /// <summary>Default model id reported in <see cref="ChatClientMetadata"/>.</summary>
    protected abstract string DefaultModelId { get; }

    /// <inheritdoc />
    public abstract Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return new ChatClientMetadata(ProviderName, null, DefaultModelId);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; nothing by default.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
