namespace LogiLlm.AppHost.Tests;

/// <summary>
/// The graph with both API key parameters set, as a deployment has them, and a small rate limit
/// (<c>Inference:RateLimit:PermitsPerMinute</c>) so that a test can spend a caller's whole bucket.
/// </summary>
public sealed class SecuredAppFixture : AppHostFixture
{
    /// <summary>Requests per minute per caller in this graph: one permit comes back every 2 s.</summary>
    public const int PermitsPerMinute = 30;

    /// <summary>A key of role predict.</summary>
    public string PredictKey { get; } = NewKey();

    /// <summary>A second key of role predict (rotation), used only by the rate limit test so its bucket is its own.</summary>
    public string RateLimitedKey { get; } = NewKey();

    /// <summary>A key of role admin.</summary>
    public string AdminKey { get; } = NewKey();

    protected override string CacheMode => "executable";

    protected override IEnumerable<string> ExtraArguments =>
    [
        $"--Parameters:inference-api-key={PredictKey},{RateLimitedKey}",
        $"--Parameters:admin-api-key={AdminKey}",
        $"--Inference:RateLimit:PermitsPerMinute={PermitsPerMinute}",
    ];

    /// <summary>
    /// A client of <paramref name="resource"/> that sends <paramref name="key"/> (none when null); a plain client, without
    /// the resilience handler, which would retry a 429 and hide it.
    /// </summary>
    public HttpClient Client(string resource, string? key, bool asBearer = false)
    {
        var client = new HttpClient { BaseAddress = App.GetEndpoint(resource, "http"), Timeout = RequestTimeout };
        if (key is not null && asBearer)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", key);
        }
        else if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

    private static string NewKey() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));
}

[CollectionDefinition(Name)]
public sealed class SecuredAppCollection : ICollectionFixture<SecuredAppFixture>
{
    public const string Name = "Full graph with API keys";
}
