using System.Text.Json.Nodes;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace LogiLlm.Inference.Tests;

/// <summary>The deterministic-call response cache in the chat client pipeline (both services use it).</summary>
public sealed class ResponseCacheTests
{
    private static readonly ChatMessage[] Messages = [new(ChatRole.System, "Classify"), new(ChatRole.User, "Where is my order?")];

    private static ChatOptions Options(float? temperature, object? cacheFlag = null)
    {
        var options = new ChatOptions { Temperature = temperature, ModelId = "m" };
        if (cacheFlag is not null)
        {
            options.AdditionalProperties = new() { [DeterministicResponseCache.CacheOptionKey] = cacheFlag };
        }

        return options;
    }

    private static DeterministicResponseCache Cache(CountingClient inner, IDistributedCache storage, ResponseCacheOptions? options = null, bool memory = false) =>
        new(inner, storage, options ?? new ResponseCacheOptions(), memory ? new MemoryCache(new MemoryCacheOptions { SizeLimit = 10 }) : null);

    private static IDistributedCache Storage() => new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_deterministic_call_is_answered_from_the_cache_the_second_time_and_the_scope_says_so(bool memory)
    {
        var inner = new CountingClient("openai", "gpt-4o-mini");
        using var cache = Cache(inner, Storage(), memory: memory);

        ResponseCacheScope first, second;
        using (first = ResponseCacheScope.Begin())
        {
            Assert.Equal("answer 1", (await cache.GetResponseAsync(Messages, Options(0f))).Text);
        }

        using (second = ResponseCacheScope.Begin())
        {
            Assert.Equal("answer 1", (await cache.GetResponseAsync(Messages, Options(0f))).Text);
        }

        Assert.Equal(1, inner.Calls);
        Assert.False(first.AnsweredFromCache);
        Assert.Equal("miss", first.Outcome);
        Assert.True(second.AnsweredFromCache);
        Assert.Equal("hit", second.Outcome);
    }

    [Theory]
    [InlineData(0.7f, null, 2)]
    [InlineData(null, null, 2)]
    [InlineData(0.7f, true, 1)]
    [InlineData(0f, false, 2)]
    public async Task Only_temperature_zero_calls_are_cached_unless_the_module_config_says_otherwise(float? temperature, bool? flag, int expectedCalls)
    {
        var inner = new CountingClient("openai", "gpt-4o-mini");
        using var cache = Cache(inner, Storage());
        object? cacheFlag = flag is { } f ? JsonValue.Create(f) : null;

        using var scope = ResponseCacheScope.Begin();
        await cache.GetResponseAsync(Messages, Options(temperature, cacheFlag));
        await cache.GetResponseAsync(Messages, Options(temperature, cacheFlag));

        Assert.Equal(expectedCalls, inner.Calls);
        Assert.Equal(expectedCalls == 2 ? "off" : "miss", scope.Outcome);
    }

    [Fact]
    public async Task A_call_with_a_json_schema_response_format_and_extra_config_is_cached_like_any_other()
    {
        var inner = new CountingClient("openai", "gpt-4o-mini");
        using var cache = Cache(inner, Storage());
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"category":{"type":"string"}}}""").RootElement;
        ChatOptions Build() => new()
        {
            Temperature = 0f,
            ModelId = "gpt-4o-mini",
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "outputs"),
            AdditionalProperties = new() { ["reasoning"] = new JsonObject { ["effort"] = "low" } },
        };

        await cache.GetResponseAsync(Messages, Build());
        var second = await cache.GetResponseAsync(Messages, Build());

        Assert.Equal("answer 1", second.Text);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task After_switching_provider_or_model_the_old_answers_are_not_served()
    {
        var storage = Storage();
        var before = new CountingClient("openai", "gpt-4o-mini");
        var otherProvider = new CountingClient("anthropic", "gpt-4o-mini", "other provider");
        var otherModel = new CountingClient("openai", "gpt-4.1", "other model");
        using var cacheBefore = Cache(before, storage);
        using var cacheOtherProvider = Cache(otherProvider, storage);
        using var cacheOtherModel = Cache(otherModel, storage);

        await cacheBefore.GetResponseAsync(Messages, Options(0f));
        var fromOtherProvider = await cacheOtherProvider.GetResponseAsync(Messages, Options(0f));
        var fromOtherModel = await cacheOtherModel.GetResponseAsync(Messages, Options(0f));
        var again = await cacheBefore.GetResponseAsync(Messages, Options(0f));

        Assert.Equal("other provider 1", fromOtherProvider.Text);
        Assert.Equal("other model 1", fromOtherModel.Text);
        Assert.Equal("answer 1", again.Text);
        Assert.Equal([1, 1, 1], new[] { before.Calls, otherProvider.Calls, otherModel.Calls });
    }

    [Fact]
    public async Task Entries_are_stored_with_the_time_to_live_and_answers_past_the_size_bound_are_not_stored()
    {
        var storage = new RecordingStorage(Storage());
        var options = new ResponseCacheOptions { Ttl = TimeSpan.FromMinutes(7), MaxEntryBytes = 2048 };
        var small = new CountingClient("openai", "m");
        var large = new CountingClient("openai", "m", new string('x', 4096));
        using var smallCache = Cache(small, storage, options);
        using var largeCache = Cache(large, storage, options);

        await smallCache.GetResponseAsync(Messages, Options(0f));
        await largeCache.GetResponseAsync([new(ChatRole.User, "long, please")], Options(0f));
        await largeCache.GetResponseAsync([new(ChatRole.User, "long, please")], Options(0f));

        var write = Assert.Single(storage.Writes);
        Assert.Equal(TimeSpan.FromMinutes(7), write.AbsoluteExpirationRelativeToNow);
        Assert.Equal(2, large.Calls);
    }

    [Fact]
    public async Task A_cache_that_fails_is_skipped_and_every_call_goes_to_the_model()
    {
        var inner = new CountingClient("openai", "m");
        using var cache = Cache(inner, new FailingStorage());

        using var scope = ResponseCacheScope.Begin();
        var first = await cache.GetResponseAsync(Messages, Options(0f));
        var second = await cache.GetResponseAsync(Messages, Options(0f));

        Assert.Equal(["answer 1", "answer 2"], new[] { first.Text, second.Text });
        Assert.False(scope.AnsweredFromCache);
    }

    private sealed class CountingClient(string provider, string model, string text = "answer") : IChatClient
    {
        private int _calls;

        public int Calls => _calls;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, $"{text} {Interlocked.Increment(ref _calls)}")));

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata(provider, defaultModelId: model) : null;

        public void Dispose()
        {
        }
    }

    private sealed class RecordingStorage(IDistributedCache inner) : IDistributedCache
    {
        public List<DistributedCacheEntryOptions> Writes { get; } = [];

        public byte[]? Get(string key) => inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => inner.GetAsync(key, token);

        public void Refresh(string key) => inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

        public void Remove(string key) => inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new NotSupportedException();

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            lock (Writes)
            {
                Writes.Add(options);
            }

            return inner.SetAsync(key, value, options, token);
        }
    }

    private sealed class FailingStorage : IDistributedCache
    {
        public byte[]? Get(string key) => throw new InvalidOperationException("redis is down");

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromException<byte[]?>(new InvalidOperationException("redis is down"));

        public void Refresh(string key) => throw new InvalidOperationException("redis is down");

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.FromException(new InvalidOperationException("redis is down"));

        public void Remove(string key) => throw new InvalidOperationException("redis is down");

        public Task RemoveAsync(string key, CancellationToken token = default) => Task.FromException(new InvalidOperationException("redis is down"));

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new InvalidOperationException("redis is down");

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
            Task.FromException(new InvalidOperationException("redis is down"));
    }
}
