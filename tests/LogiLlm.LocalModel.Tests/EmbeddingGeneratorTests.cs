using Microsoft.Extensions.AI;

namespace LogiLlm.LocalModel.Tests;

[Collection(LocalModelCollection.Name)]
public class EmbeddingGeneratorTests
{
    [Fact]
    public async Task SentenceEmbedder_generates_the_same_unit_vectors_as_Embed_through_IEmbeddingGenerator()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = SentenceEmbedder.Shared;
        string[] texts = ["Please refund my order", "My parcel is late", "Please refund my order"];

        var embeddings = await generator.GenerateAsync(texts);

        Assert.Equal(3, embeddings.Count);
        for (var i = 0; i < texts.Length; i++)
        {
            Assert.Equal(SentenceEmbedder.Dimensions, embeddings[i].Vector.Length);
            Assert.Equal(SentenceEmbedder.Shared.Embed(texts[i]), embeddings[i].Vector.ToArray());
            Assert.Equal("all-MiniLM-L6-v2", embeddings[i].ModelId);
        }

        Assert.InRange(SentenceEmbedder.Similarity(embeddings[0].Vector.Span, embeddings[0].Vector.Span), 0.999f, 1.001f);
        Assert.True(SentenceEmbedder.Similarity(embeddings[0].Vector.Span, embeddings[2].Vector.Span) > SentenceEmbedder.Similarity(embeddings[0].Vector.Span, embeddings[1].Vector.Span));
        var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
        Assert.Equal(("local", "all-MiniLM-L6-v2", SentenceEmbedder.Dimensions), (metadata?.ProviderName, metadata?.DefaultModelId, metadata?.DefaultModelDimensions));
    }

    [Fact]
    public async Task Asking_for_another_vector_length_is_not_supported()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = SentenceEmbedder.Shared;

        var e = await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(["x"], new EmbeddingGenerationOptions { Dimensions = 1536 }));

        Assert.Contains("384", e.Message);
    }
}
