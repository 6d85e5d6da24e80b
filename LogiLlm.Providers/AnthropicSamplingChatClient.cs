using System.Text.Json;
using Anthropic.Models.Messages;
using Microsoft.Extensions.AI;

namespace LogiLlm.Providers;

/// <summary>
/// Puts <see cref="ChatOptions.Temperature"/> and <see cref="ChatOptions.TopP"/> on the Anthropic wire.
/// The Anthropic SDK's IChatClient (13.x) drops them because its typed request has no such properties,
/// so they are passed as raw body fields through <see cref="ChatOptions.RawRepresentationFactory"/>.
/// </summary>
internal sealed class AnthropicSamplingChatClient(IChatClient inner, string model, int defaultMaxOutputTokens) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, WithSampling(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, WithSampling(options), cancellationToken);

    internal ChatOptions? WithSampling(ChatOptions? options)
    {
        // A caller-supplied factory wins: it may already build the exact request it wants.
        if (options is null || (options.Temperature is null && options.TopP is null) || options.RawRepresentationFactory is not null)
            return options;

        var body = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            // The SDK's adapter requires these three on a seed request; it then fills in the real messages.
            ["model"] = JsonSerializer.SerializeToElement(options.ModelId ?? model),
            ["max_tokens"] = JsonSerializer.SerializeToElement(options.MaxOutputTokens ?? defaultMaxOutputTokens),
            ["messages"] = JsonSerializer.SerializeToElement(Array.Empty<object>()),
        };
        if (options.Temperature is { } t) body["temperature"] = JsonSerializer.SerializeToElement(Math.Round((double)t, 6));
        if (options.TopP is { } p) body["top_p"] = JsonSerializer.SerializeToElement(Math.Round((double)p, 6));

        var copy = options.Clone();
        copy.RawRepresentationFactory = _ => MessageCreateParams.FromRawUnchecked(
            new Dictionary<string, JsonElement>(), new Dictionary<string, JsonElement>(), body);
        return copy;
    }
}
