using System.Globalization;
using System.Runtime.CompilerServices;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;

namespace LogiLlm.LocalModel;

/// <summary>
/// A real offline model behind <see cref="IChatClient"/>: a sentence-embedding network (all-MiniLM-L6-v2)
/// that answers a LogiLlm prompt by similarity to the demos in it. Label outputs get the label whose demos
/// are nearest to the input (zero-shot: the nearest label name); free-text outputs are copied from the
/// nearest demo. It reads only the messages, so it answers through the same adapter path as any provider.
/// It never generates prose. Usage is counted in the model's own WordPiece tokens. Thread-safe.
/// </summary>
public sealed class LocalChatClient : CompletionChatClient
{
    /// <summary>Response property: how the answer was chosen ("prototype", "centroid", "nearest-demo", "label-name", "none").</summary>
    public const string MethodProperty = "logillm.local.method";

    /// <summary>Response property: cosine similarity of the input to what was chosen.</summary>
    public const string SimilarityProperty = "logillm.local.similarity";

    /// <summary>Response property: the model's confidence in its first choice, in [0, 1] (absent when it chose nothing).</summary>
    public const string ConfidenceProperty = "logillm.local.confidence";

    private readonly LocalModelOptions _options;

    /// <summary>Creates the client; the network is loaded on the first request (once per process by default).</summary>
    public LocalChatClient(LocalModelOptions? options = null)
    {
        _options = options ?? new LocalModelOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.ModelId, nameof(options));
    }

    /// <summary>The model id reported in every response.</summary>
    public string ModelId => _options.ModelId;

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();

        // Embedding is CPU work: keep it off the caller's thread so concurrent callers overlap.
        var answer = await Task.Run(
            () => NearestDemoAnswerer.Answer(PromptReader.Read(list), _options.Embedder ?? SentenceEmbedder.SharedFor(_options.Network), _options, cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var inputTokens = list.Sum(m => TokenCounter.Count(m.Text));
        var outputTokens = TokenCounter.Count(answer.Reply);
        var properties = new AdditionalPropertiesDictionary
        {
            [MethodProperty] = answer.Method,
            [SimilarityProperty] = Math.Round(answer.Similarity, 4).ToString(CultureInfo.InvariantCulture),
        };
        if (answer.Confidence is { } confidence)
        {
            properties[ConfidenceProperty] = Math.Round(confidence, 4).ToString(CultureInfo.InvariantCulture);
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, answer.Reply))
        {
            // Always the model's own id: it says what answered, whatever the request asked for.
            ModelId = _options.ModelId,
            FinishReason = ChatFinishReason.Stop,
            ResponseId = Guid.NewGuid().ToString("N"),
            CreatedAt = DateTimeOffset.UtcNow,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens, TotalTokenCount = inputTokens + outputTokens },
            AdditionalProperties = properties,
        };
    }

    /// <inheritdoc />
    protected override string ProviderName => LocalModelProvider.ProviderName;

    /// <inheritdoc />
    protected override string DefaultModelId => _options.ModelId;
}
