using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.Adapters;

/// <summary>
/// Turns a signature, demos and inputs into chat messages, and a model's reply into typed outputs.
/// Implementations must be safe to use from concurrent invocations (no per-call state).
/// </summary>
public interface IAdapter
{
    /// <summary>Wire name saved in module files: "ChatAdapter", "JSONAdapter", "XMLAdapter" or "MarkdownAdapter".</summary>
    string Name { get; }

    /// <summary>Adapter settings saved with the module (<c>{}</c> for the built-in adapters).</summary>
    JsonObject Config { get; }

    /// <summary>
    /// The request: a system message (instructions, fields, output format), each demo as a user/assistant
    /// pair, then the real input as the last user message.
    /// </summary>
    IList<ChatMessage> Format(Signature signature, IReadOnlyList<Demo> demos, IReadOnlyDictionary<string, object?> inputs);

    /// <summary>Reads the output fields of <paramref name="signature"/> from a reply, converted to their declared types.</summary>
    /// <exception cref="AdapterParseException">A required output is missing or a value does not fit its declared type.</exception>
    IReadOnlyDictionary<string, object?> Parse(Signature signature, string completion);

    /// <summary>A structured-output format to request from the model, or null for free text.</summary>
    ChatResponseFormat? ResponseFormat(Signature signature) => null;
}
