using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace LogiLlm.Providers;

/// <summary>
/// A deterministic offline <see cref="IChatClient"/> (provider "mock", model "mock-model"). It answers,
/// in order of preference: the next queued response; the <see cref="Responder"/>'s answer; the assistant
/// message of the demo pair whose user message shares the most words with the last user message (ties:
/// the earliest demo); <see cref="DefaultResponse"/>. Usage counts words as tokens.
/// </summary>
public sealed partial class MockChatClient : CompletionChatClient
{
    private readonly Queue<string> _queue = new();
    private readonly Lock _gate = new();
    private int _callCount;

    /// <summary>A mock client for model "mock-model".</summary>
    public MockChatClient()
        : this("mock-model")
    {
    }

    /// <summary>A mock client reporting <paramref name="modelId"/>.</summary>
    public MockChatClient(string modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        ModelId = modelId;
    }

    /// <summary>The model id reported in responses and metadata.</summary>
    public string ModelId { get; }

    /// <summary>The answer when nothing else applies (default "mock response").</summary>
    public string DefaultResponse { get; set; } = "mock response";

    /// <summary>An optional configured answer: return a reply for the request, or null to fall through to demo echoing.</summary>
    public Func<IReadOnlyList<ChatMessage>, string?>? Responder { get; set; }

    /// <summary>How many requests have been answered.</summary>
    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>Queues a response for the next request (first in, first out).</summary>
    public MockChatClient Enqueue(string response)
    {
        ArgumentNullException.ThrowIfNull(response);
        lock (_gate)
        {
            _queue.Enqueue(response);
        }

        return this;
    }

    /// <inheritdoc />
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages.ToList();
        string? reply = null;
        lock (_gate)
        {
            if (_queue.Count > 0)
            {
                reply = _queue.Dequeue();
            }
        }

        reply ??= Responder?.Invoke(list) ?? EchoNearestDemo(list) ?? DefaultResponse;
        Interlocked.Increment(ref _callCount);
        var inputTokens = list.Sum(m => CountWords(m.Text));
        var outputTokens = CountWords(reply);
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply))
        {
            ModelId = options?.ModelId ?? ModelId,
            FinishReason = ChatFinishReason.Stop,
            ResponseId = Guid.NewGuid().ToString("N"),
            CreatedAt = DateTimeOffset.UtcNow,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
        });
    }

    /// <inheritdoc />
    protected override string ProviderName => "mock";

    /// <inheritdoc />
    protected override string DefaultModelId => ModelId;

    /// <summary>Number of words (runs of letters/digits) in <paramref name="text"/>: the mock's token count.</summary>
    public static int CountWords(string? text) => string.IsNullOrEmpty(text) ? 0 : WordPattern().Count(text);

    private static string? EchoNearestDemo(List<ChatMessage> messages)
    {
        var lastUser = messages.LastOrDefault(m => m.Role == ChatRole.User);
        if (lastUser is null)
        {
            return null;
        }

        var query = Words(lastUser.Text);
        string? best = null;
        var bestOverlap = -1;
        for (var i = 0; i + 1 < messages.Count; i++)
        {
            if (messages[i].Role != ChatRole.User || messages[i + 1].Role != ChatRole.Assistant || ReferenceEquals(messages[i], lastUser))
            {
                continue;
            }

            var overlap = Words(messages[i].Text).Count(query.Contains);
            if (overlap > bestOverlap)
            {
                bestOverlap = overlap;
                best = messages[i + 1].Text;
            }
        }

        return best;
    }

    private static HashSet<string> Words(string? text) =>
        string.IsNullOrEmpty(text)
            ? []
            : WordPattern().Matches(text).Select(m => m.Value.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"[\p{L}\p{N}_]+", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)]
    private static partial Regex WordPattern();
}
