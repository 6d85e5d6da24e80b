using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogiLlm.Providers;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="DistributedCachingChatClient"/> (Redis through <see cref="IDistributedCache"/>)
/// for the calls whose answer is deterministic: temperature 0, or a module config that asks for it (<c>cache: true</c>;
/// <c>cache: false</c> turns it off). The key is the library's digest of the messages and chat options plus the
/// provider's name, endpoint and model, so answers of one provider are never served after switching to another.
/// Entries expire (<see cref="ResponseCacheOptions.Ttl"/>), replies past <see cref="ResponseCacheOptions.MaxEntryBytes"/>
/// are not stored, and a cache that is down or slow is skipped after <see cref="ResponseCacheOptions.Timeout"/>: the
/// call goes to the model. An optional bounded memory layer answers repeated calls without a Redis round trip.
/// What each call got is counted on the current <see cref="ResponseCacheScope"/>.
/// </summary>
public sealed class DeterministicResponseCache : DistributedCachingChatClient
{
    /// <summary>The module config key (an additional chat option) that turns caching on or off whatever the temperature.</summary>
    public const string CacheOptionKey = "cache";

    private readonly IDistributedCache _storage;
    private readonly IMemoryCache? _memory;
    private readonly ResponseCacheOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the cache around <paramref name="innerClient"/>.</summary>
    /// <param name="innerClient">The provider's client.</param>
    /// <param name="storage">The shared cache (Redis).</param>
    /// <param name="options">Lifetime, size and timeout of entries.</param>
    /// <param name="memory">A size-limited memory cache in front of <paramref name="storage"/> (each entry has size 1), or null; disposed with this client.</param>
    /// <param name="logger">Where cache failures are logged (at debug: the call goes on without the cache).</param>
    public DeterministicResponseCache(IChatClient innerClient, IDistributedCache storage, ResponseCacheOptions options, IMemoryCache? memory = null, ILogger? logger = null)
        : base(innerClient, storage)
    {
        ArgumentNullException.ThrowIfNull(options);
        _storage = storage;
        _memory = memory;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        var metadata = innerClient.GetService<ChatClientMetadata>();
        CacheKeyAdditionalValues = ["logillm-response", metadata?.ProviderName ?? "", metadata?.ProviderUri?.ToString() ?? "", metadata?.DefaultModelId ?? ""];
    }

    /// <summary>Whether a call with these options is cached: <c>cache</c> when the config sets it, else temperature 0.</summary>
    public static bool IsDeterministic(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(CacheOptionKey, out var flag) == true && AsBool(flag) is { } on)
        {
            return on;
        }

        return options?.Temperature is 0f;
    }

    /// <inheritdoc />
    protected override bool EnableCaching(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var enabled = base.EnableCaching(messages, options) && IsDeterministic(options);
        if (!enabled)
        {
            ResponseCacheScope.Current?.Bypass();
        }

        return enabled;
    }

    /// <inheritdoc />
    protected override async Task<ChatResponse?> ReadCacheAsync(string key, CancellationToken cancellationToken)
    {
        byte[]? bytes = null;
        if (_memory?.TryGetValue(key, out byte[]? remembered) == true)
        {
            bytes = remembered;
        }
        else
        {
            try
            {
                bytes = await _storage.GetAsync(key, cancellationToken).WaitAsync(_options.Timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                _logger.LogDebug(ex, "Response cache unavailable; calling the model");
            }

            if (bytes is not null)
            {
                Remember(key, bytes);
            }
        }

        var response = bytes is null ? null : Deserialize(bytes);
        if (response is null)
        {
            ResponseCacheScope.Current?.Miss();
        }
        else
        {
            ResponseCacheScope.Current?.Hit();
        }

        return response;
    }

    /// <inheritdoc />
    protected override async Task WriteCacheAsync(string key, ChatResponse value, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.GetTypeInfo(typeof(ChatResponse)));
        if (bytes.Length > _options.MaxEntryBytes)
        {
            return;
        }

        Remember(key, bytes);
        try
        {
            await _storage.SetAsync(key, bytes, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _options.Ttl }, cancellationToken)
                .WaitAsync(_options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug(ex, "Response cache unavailable; the answer is not shared");
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            (_memory as IDisposable)?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Remember(string key, byte[] bytes)
    {
        if (_memory is null)
        {
            return;
        }

        using var entry = _memory.CreateEntry(key);
        entry.Value = bytes;
        entry.Size = 1;
        entry.AbsoluteExpirationRelativeToNow = _options.MemoryTtl < _options.Ttl ? _options.MemoryTtl : _options.Ttl;
    }

    private ChatResponse? Deserialize(byte[] bytes)
    {
        try
        {
            return (ChatResponse?)JsonSerializer.Deserialize(bytes, JsonSerializerOptions.GetTypeInfo(typeof(ChatResponse)));
        }
        catch (JsonException ex)
        {
            _logger.LogDebug(ex, "Unreadable response cache entry; calling the model");
            return null;
        }
    }

    private static bool? AsBool(object? value) => value switch
    {
        bool b => b,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };
}

/// <summary>Adds <see cref="DeterministicResponseCache"/> to a chat client pipeline.</summary>
public static class DeterministicResponseCacheExtensions
{
    /// <summary>
    /// Adds the deterministic-call cache as the next (outer) stage: put it before the telemetry middleware, so an answer
    /// from the cache is not counted as a model call.
    /// </summary>
    /// <param name="builder">The pipeline.</param>
    /// <param name="storage">The shared cache (created once, when the client is built).</param>
    /// <param name="options">Lifetime, size and timeout of entries.</param>
    /// <param name="memory">The memory layer in front of <paramref name="storage"/>, or null for none.</param>
    public static ChatClientBuilder UseLogiLlmResponseCache(
        this ChatClientBuilder builder,
        Func<IServiceProvider, IDistributedCache> storage,
        Func<IServiceProvider, ResponseCacheOptions> options,
        Func<IServiceProvider, ResponseCacheOptions, IMemoryCache?>? memory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(options);
        return builder.Use((inner, services) =>
        {
            var settings = options(services);
            return new DeterministicResponseCache(
                inner, storage(services), settings, memory?.Invoke(services, settings),
                services.GetService<ILoggerFactory>()?.CreateLogger<DeterministicResponseCache>());
        });
    }
}

/// <summary>The response cache (<c>PredictionCache</c> section of the services).</summary>
public sealed class ResponseCacheOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "PredictionCache";

    /// <summary>Time to live of a cached answer in Redis (the cache resource also evicts keys with a TTL under <c>maxmemory</c>).</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Longest wait for Redis before the call goes on without the cache.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Largest answer stored, in bytes of JSON (64 KiB); larger answers are not cached.</summary>
    public int MaxEntryBytes { get; set; } = 64 * 1024;

    /// <summary>Answers kept in process memory in front of Redis (0 = none).</summary>
    public int MemoryEntries { get; set; } = 10_000;

    /// <summary>How long an answer stays in process memory (at most <see cref="Ttl"/>).</summary>
    public TimeSpan MemoryTtl { get; set; } = TimeSpan.FromMinutes(10);
}
