namespace LogiLlm.LocalModel;

/// <summary>Settings of a <see cref="LocalChatClient"/>.</summary>
public sealed class LocalModelOptions
{
    /// <summary>Text given for a free-text output (<c>str</c>) when no demo has a value for it: the model cannot write one.</summary>
    public const string DefaultNoAnswerText = "(no answer: the local model only repeats outputs of its demos, and has none for this field)";

    /// <summary>Model id reported in responses and metadata (default <see cref="LocalModelProvider.DefaultModelId"/>).</summary>
    public string ModelId { get; set; } = LocalModelProvider.DefaultModelId;

    /// <summary>Default <see cref="LabelNameWeight"/>.</summary>
    public const double DefaultLabelNameWeight = 3.0;

    /// <summary>
    /// Weight of a label's own name (embedded, e.g. "billing issue"), counted as that many demos in the label's
    /// prototype, for text labels (<c>Literal[...]</c>, or <c>str</c> values seen in demos). 3 (the default) was best
    /// on the emails train set with 8 to 24 demos (1 and 2 lower, 4 no better); 0 ignores names once there are demos.
    /// Zero-shot, the name is all there is.
    /// </summary>
    public double LabelNameWeight { get; set; } = DefaultLabelNameWeight;

    /// <summary>Reply value for free-text outputs that no demo answers (see <see cref="DefaultNoAnswerText"/>).</summary>
    public string NoAnswerText { get; set; } = DefaultNoAnswerText;

    /// <summary>The network used when <see cref="Embedder"/> is null (default <see cref="EmbeddingNetwork.MiniLM"/>).</summary>
    public EmbeddingNetwork Network { get; set; } = EmbeddingNetwork.MiniLM;

    /// <summary>The embedding network; null uses the process-wide <see cref="SentenceEmbedder.SharedFor"/> of <see cref="Network"/> (loaded on first request).</summary>
    public SentenceEmbedder? Embedder { get; set; }
}
