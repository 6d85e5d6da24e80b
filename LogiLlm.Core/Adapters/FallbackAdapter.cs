using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.Adapters;

/// <summary>
/// Formats with the first adapter of a chain and, when its parser fails, reads the same reply with the
/// next one (default chain: <see cref="ChatAdapter"/> then <see cref="JsonAdapter"/>). <see cref="Name"/>
/// and <see cref="Config"/> are those of the first adapter, so a module saves as that adapter.
/// </summary>
/// <remarks>This adapter only re-reads the reply already given; when none of the chain can read it, <see cref="Predict"/>
/// asks the model again in JSON (<see cref="JsonAdapterFallback"/>) unless the chain starts with a JSON adapter.</remarks>
public sealed class FallbackAdapter : IAdapter
{
    /// <summary>Chat first, then JSON.</summary>
    public FallbackAdapter()
        : this(new ChatAdapter(), new JsonAdapter())
    {
    }

    /// <summary>A chain tried in order.</summary>
    /// <exception cref="ArgumentException">The chain is empty.</exception>
    public FallbackAdapter(params IAdapter[] chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (chain.Length == 0)
        {
            throw new ArgumentException("A fallback chain needs at least one adapter.", nameof(chain));
        }

        Chain = chain.ToArray();
    }

    /// <summary>The adapters, tried in order.</summary>
    public IReadOnlyList<IAdapter> Chain { get; }

    /// <inheritdoc />
    public string Name => Chain[0].Name;

    /// <inheritdoc />
    public JsonObject Config => Chain[0].Config;

    /// <inheritdoc />
    public IList<ChatMessage> Format(Signature signature, IReadOnlyList<Demo> demos, IReadOnlyDictionary<string, object?> inputs) =>
        Chain[0].Format(signature, demos, inputs);

    /// <inheritdoc />
    public ChatResponseFormat? ResponseFormat(Signature signature) => Chain[0].ResponseFormat(signature);

    /// <inheritdoc />
    /// <exception cref="AdapterParseException">No adapter of the chain could read the reply; the message lists each one's reason.</exception>
    public IReadOnlyDictionary<string, object?> Parse(Signature signature, string completion)
    {
        var errors = new List<AdapterParseException>();
        foreach (var adapter in Chain)
        {
            try
            {
                return adapter.Parse(signature, completion);
            }
            catch (AdapterParseException e)
            {
                errors.Add(e);
            }
        }

        var first = errors[0];
        throw new AdapterParseException(
            Name,
            $"No adapter could parse the completion: {string.Join(" | ", errors.Select(e => e.Message))}",
            completion,
            first.FieldName,
            new AggregateException(errors));
    }
}
