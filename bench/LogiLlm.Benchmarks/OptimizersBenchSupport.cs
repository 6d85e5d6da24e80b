using System.Runtime.CompilerServices;
using LogiLlm.Optimizers;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;

namespace LogiLlm.Benchmarks;

/// <summary>The optimizer benchmark's fixture: a 200-email dataset and a model that takes a fixed time per call.</summary>
internal static class OptimizersBenchSupport
{
    public const int DatasetSize = 200;
    public const int CallMilliseconds = 20;

    private static readonly (string Label, string Keyword)[] Labels =
        [("refund_request", "refund"), ("order_status", "parcel"), ("technical_support", "crashes"), ("feedback", "thanks")];

    public static IReadOnlyList<Example> Emails(int count = DatasetSize) =>
        Enumerable.Range(0, count)
            .Select(i => Example.Create(new { email = $"Message {i}: something about {Labels[i % Labels.Length].Keyword} here" }, new { category = Labels[i % Labels.Length].Label }))
            .ToArray();

    public static Predict Classifier(IChatClient client) => new("email: str -> category: str")
    {
        Provider = new Provider("latency", "latency-model", client),
        ProviderRegistry = new ProviderRegistry(registerBuiltIns: false),
    };

    public static BootstrapFewShot Optimizer(int concurrency) =>
        new(new AccuracyMetric("category"), maxExamples: 5, options: new OptimizerOptions { MaxConcurrency = concurrency, Seed = 0 });

    /// <summary>A model that awaits <see cref="CallMilliseconds"/> per call, then answers by keyword; counts calls.</summary>
    internal sealed class LatencyChatClient(int milliseconds = CallMilliseconds) : IChatClient
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public void Reset() => Interlocked.Exchange(ref _calls, 0);

        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            await Task.Delay(milliseconds, cancellationToken).ConfigureAwait(false);
            var text = messages.Last(m => m.Role == ChatRole.User).Text;
            var label = Labels.FirstOrDefault(l => text.Contains(l.Keyword, StringComparison.Ordinal)).Label ?? "unknown";
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, label));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            foreach (var update in response.ToChatResponseUpdates())
            {
                yield return update;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
