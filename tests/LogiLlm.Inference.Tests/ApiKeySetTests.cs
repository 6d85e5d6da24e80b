using LogiLlm.RateLimiting;
using LogiLlm.Security;

namespace LogiLlm.Inference.Tests;

public sealed class ApiKeySetTests
{
    [Fact]
    public void Every_key_of_a_comma_separated_list_is_valid_so_keys_can_rotate()
    {
        var keys = new ApiKeySet(new ApiKeyOptions { Predict = " old-predict , new-predict ", Admin = "the-admin" });

        Assert.Equal(3, keys.Count);
        Assert.Equal(new ApiKeySet.Match("predict", "predict-key-1"), keys.Find("old-predict"));
        Assert.Equal(new ApiKeySet.Match("predict", "predict-key-2"), keys.Find("new-predict"));
        Assert.Equal(new ApiKeySet.Match("admin", "admin-key-1"), keys.Find("the-admin"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("old-predic")]
    [InlineData("old-predict,new-predict")]
    [InlineData("OLD-PREDICT")]
    public void Anything_but_an_exact_configured_key_is_no_match(string presented)
    {
        var keys = new ApiKeySet(new ApiKeyOptions { Predict = "old-predict,new-predict" });

        Assert.Null(keys.Find(presented));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(43)]
    [InlineData(200)]
    public void A_key_of_any_length_and_script_matches_only_itself(int repeat)
    {
        // Room for 3 UTF-8 bytes per char plus 3 is made: up to 84 chars hash from the stack buffer (256 bytes), 86 and
        // more from a pooled array; two and three bytes per char so that the encoding, not the char count, is hashed.
        var key = string.Concat(Enumerable.Repeat("é€", repeat));
        var keys = new ApiKeySet(new ApiKeyOptions { Predict = key });

        Assert.Equal(new ApiKeySet.Match("predict", "predict-key-1"), keys.Find(key));
        Assert.Null(keys.Find(key[..^1]));
        Assert.Null(keys.Find(key + "x"));
    }

    [Fact]
    public void No_configured_keys_means_no_credentials()
    {
        var settings = new AuthOptions { ApiKeys = { Predict = " , ", Admin = "" } };

        Assert.False(settings.HasCredentials);
        Assert.Equal(0, new ApiKeySet(settings.ApiKeys).Count);
        Assert.True(new AuthOptions { Authority = "https://login.example.test", Audience = "api://x" }.HasCredentials);
        Assert.False(new AuthOptions { Authority = "https://login.example.test" }.OidcEnabled);
    }

    [Theory]
    [InlineData(30, 2000, 1)]
    [InlineData(600, 100, 1)]
    [InlineData(60_000, 100, 100)]
    public void The_bucket_holds_a_minute_of_permits_and_refills_steadily(int perMinute, int periodMs, int tokensPerPeriod)
    {
        var bucket = new RateLimitOptions { PermitsPerMinute = perMinute }.ToBucket();

        Assert.Equal(perMinute, bucket.TokenLimit);
        Assert.Equal(TimeSpan.FromMilliseconds(periodMs), bucket.ReplenishmentPeriod);
        Assert.Equal(tokensPerPeriod, bucket.TokensPerPeriod);
        Assert.Equal(0, bucket.QueueLimit);
        // What comes back in a minute is the configured rate.
        Assert.Equal(perMinute, (int)(TimeSpan.FromMinutes(1) / bucket.ReplenishmentPeriod) * bucket.TokensPerPeriod);
    }
}
