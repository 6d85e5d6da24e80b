using LogiLlm.Providers;
using Microsoft.Extensions.AI;
using static LogiLlm.Core.Tests.Providers.ProviderTestKit;

namespace LogiLlm.Core.Tests.Providers;

public sealed class HttpHandlerOptionTests
{
    [Theory]
    [InlineData("openai")]
    [InlineData("anthropic")]
    [InlineData("azure-openai")]
    public async Task Custom_http_handler_carries_the_requests(string name)
    {
        await using var server = await LoopbackLlmServer.StartAsync();
        using var counting = new CountingHandler(new HttpClientHandler());
        var options = new ProviderOptions
        {
            ApiKey = SecretKey,
            Endpoint = name == "openai" ? server.OpenAIEndpoint : server.BaseUri,
            HttpHandler = counting,
            MaxRetries = 0,
        };
        var provider = IsolatedRegistry().CreateProvider(name, "some-model", options);

        var response = await provider.Client.GetResponseAsync(ClassificationMessages());

        Assert.Equal("category: billing", response.Text);
        Assert.Equal(1, counting.Count);
        Assert.Single(server.Requests);
    }

    private sealed class CountingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _count;

        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
