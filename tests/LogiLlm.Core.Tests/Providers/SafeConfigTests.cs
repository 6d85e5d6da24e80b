namespace LogiLlm.Core.Tests.Providers;

public sealed class SafeConfigTests
{
    [Theory]
    [InlineData("api_key", true)]
    [InlineData("apiKey", true)]
    [InlineData("Authorization", true)]
    [InlineData("auth_token", true)]
    [InlineData("client_secret", true)]
    [InlineData("password", true)]
    [InlineData("access_token", true)]
    [InlineData("extra_headers", true)]
    [InlineData("max_tokens", false)]
    [InlineData("max_new_tokens", false)]
    [InlineData("temperature", false)]
    [InlineData("author", false)]
    [InlineData("top_k", false)]
    public void Secret_keys_are_recognized(string key, bool secret) =>
        Assert.Equal(secret, LogiLlm.Providers.SafeConfig.IsSecretKey(key));
}
