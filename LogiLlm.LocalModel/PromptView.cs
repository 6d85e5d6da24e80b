using LogiLlm.Adapters;
using LogiLlm.Signatures;

namespace LogiLlm.LocalModel;

/// <summary>What the local model reads from a request: the task, its demos and the input to answer.</summary>
/// <param name="Signature">The signature recovered from the system message, or null when the prompt is not a LogiLlm prompt.</param>
/// <param name="Adapter">The built-in adapter whose format the prompt uses, or null when none matches.</param>
/// <param name="Demos">Each demo: its input text (field markers removed) and the assistant's reply verbatim.</param>
/// <param name="Query">The input text to answer (markers and the format reminder removed).</param>
internal sealed record PromptView(Signature? Signature, AdapterBase? Adapter, IReadOnlyList<DemoView> Demos, string Query);

/// <summary>A demo pair of the prompt.</summary>
/// <param name="Input">The demo's input text, markers removed.</param>
/// <param name="Reply">The demo's assistant message, verbatim (already in the adapter's format).</param>
internal sealed record DemoView(string Input, string Reply);
