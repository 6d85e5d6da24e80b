namespace LogiLlm.LocalModel;

/// <summary>Settings of a <see cref="LocalChatClient"/>.</summary>
public sealed class LocalModelOptions
{
    /// <summary>Text given for a free-text output (<c>str</c>) when no demo has a value for it: the model cannot write one.</summary>
    public const string DefaultNoAnswerText = "(no answer: the local model only repeats outputs of its demos, and has none for this field)";

    /// <summary>Model id reported in responses and metadata (default <see cref="LocalModelProvider.DefaultModelId"/>).</summary>
    public string ModelId { get; set; } = LocalModelProvider.DefaultModelId;

    /// <summary>
    /// Weight of a label's own name, as one extra pseudo-demo, in that label's centroid (for <c>Literal[...]</c>
    /// outputs). 1 (the default) counts the name like one demo; 0 ignores names once there are demos. Zero-shot,
    /// the name is all there is. Tuned on the emails train set (leave-one-out): 1 was at least as good as 0.
    /// </summary>
    public double LabelNameWeight { get; set; } = 1.0;

    /// <summary>Reply value for free-text outputs that no demo answers (see <see cref="DefaultNoAnswerText"/>).</summary>
    public string NoAnswerText { get; set; } = DefaultNoAnswerText;

    /// <summary>The embedding network; null uses the process-wide <see cref="SentenceEmbedder.Shared"/> (loaded on first request).</summary>
    public SentenceEmbedder? Embedder { get; set; }
}
