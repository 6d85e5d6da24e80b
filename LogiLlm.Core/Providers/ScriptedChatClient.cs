using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace LogiLlm.Providers;

/// <summary>
/// A test <see cref="IChatClient"/> that replies from a script and records every request. A request is
/// answered by the next queued reply, else by the first matching rule (<see cref="When(Func{RecordedRequest, bool}, string)"/>),
/// else by <see cref="Otherwise(string)"/>'s reply; with none of these it throws <see cref="InvalidOperationException"/>.
/// Usage counts words as tokens.
/// </summary>
public sealed class ScriptedChatClient : CompletionChatClient
{
    private readonly Lock _gate = new();
    private readonly Queue<Func<RecordedRequest, CancellationToken, Task<string>>> _queue = new();
    private readonly List<(Func<RecordedRequest, bool> Predicate, Func<RecordedRequest, CancellationToken, Task<string>> Reply)> _rules = [];
    private readonly List<RecordedRequest> _requests = [];
    private Func<RecordedRequest, CancellationToken, Task<string>>? _otherwise;

    /// <summary>A scripted client for model "scripted-model".</summary>
    public ScriptedChatClient()
        : this("scripted-model")
    {
    }

    /// <summary>A scripted client reporting <paramref name="modelId"/>.</summary>
    public ScriptedChatClient(string modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ModelId = modelId;
    }

    /// <summary>The model id reported in responses (unless the request's options name one).</summary>
    public string ModelId { get; }

    /// <summary>Every request received, in order (a snapshot).</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>The most recent request.</summary>
    /// <exception cref="InvalidOperationException">No request yet.</exception>
    public RecordedRequest LastRequest => Requests.LastOrDefault() ?? throw new InvalidOperationException("The scripted client has received no request.");

    /// <summary>Queues a reply for the next request.</summary>
    public ScriptedChatClient Enqueue(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return Enqueue((_, _) => Task.FromResult(reply));
    }

    /// <summary>Queues a failure: the next request throws <paramref name="error"/>.</summary>
    public ScriptedChatClient Enqueue(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return Enqueue((_, _) => Task.FromException<string>(error));
    }

    /// <summary>Queues an asynchronous reply (e.g. one that waits on the cancellation token).</summary>
    public ScriptedChatClient Enqueue(Func<RecordedRequest, CancellationToken, Task<string>> reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _queue.Enqueue(reply);
        }

        return this;
    }

    /// <summary>Replies <paramref name="reply"/> to requests matching <paramref name="predicate"/>.</summary>
    public ScriptedChatClient When(Func<RecordedRequest, bool> predicate, string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return When(predicate, _ => reply);
    }

    /// <summary>Replies with <paramref name="reply"/>(request) to requests matching <paramref name="predicate"/>.</summary>
    public ScriptedChatClient When(Func<RecordedRequest, bool> predicate, Func<RecordedRequest, string> reply)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _rules.Add((predicate, (r, _) => Task.FromResult(reply(r))));
        }

        return this;
    }

    /// <summary>Replies <paramref name="reply"/> when no queued reply or rule applies.</summary>
    public ScriptedChatClient Otherwise(string reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        lock (_gate)
        {
            _otherwise = (_, _) => Task.FromResult(reply);
        }

        return this;
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var request = new RecordedRequest(messages.ToArray(), options?.Clone());
        Func<RecordedRequest, CancellationToken, Task<string>>? reply;
        lock (_gate)
        {
            _requests.Add(request);
            reply = _queue.Count > 0 ? _queue.Dequeue() : _rules.FirstOrDefault(r => r.Predicate(request)).Reply ?? _otherwise;
        }

        if (reply is null)
        {
            throw new InvalidOperationException($"The scripted client has no reply for request #{Requests.Count} (last user message: \"{request.LastUserText}\").");
        }

        var text = await reply(request, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var inputTokens = request.Messages.Sum(m => MockChatClient.CountWords(m.Text));
        var outputTokens = MockChatClient.CountWords(text);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = options?.ModelId ?? ModelId,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
        };
    }

    /// <inheritdoc />
    protected override string ProviderName => "scripted";

    /// <inheritdoc />
    protected override string DefaultModelId => ModelId;

    /// <summary>One recorded request: the messages and a copy of the options.</summary>
    /// <param name="Messages">The messages sent.</param>
    /// <param name="Options">A copy of the options sent (null when none).</param>
    public sealed record RecordedRequest(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)
    {
        /// <summary>Text of the last user message ("" when none).</summary>
        public string LastUserText => Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty;

        /// <summary>Text of the system message ("" when none).</summary>
        public string SystemText => Messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text ?? string.Empty;

        /// <summary>All message texts joined by newlines.</summary>
        public string AllText => string.Join("\n", Messages.Select(m => m.Text));
    }
}
