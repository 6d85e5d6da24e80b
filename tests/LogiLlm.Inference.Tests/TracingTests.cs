using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Registry;

namespace LogiLlm.Inference.Tests;

/// <summary>A prediction on a cache miss is one trace: inference, the call to the trainer's registry and the model call.</summary>
[Collection(TracingCollection.Name)]
public sealed class TracingTests : IDisposable
{
    private readonly ServicePair _services = new(overHttp: true);
    private readonly RecordedActivities _activities = [];
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _activities.Add,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task A_prediction_on_a_cache_miss_is_one_trace_with_the_registry_call_and_the_model_call_with_token_counts()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var trainer = _services.CreateTrainerClient();
        using var inference = _services.CreateInferenceClient();
        // Written straight into the registry folder: no change is announced, so inference cannot prefetch it and the
        // prediction below is a true cache miss that has to ask the trainer.
        var document = await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cts.Token);
        await new FileSystemModuleStore(_services.RegistryPath).PublishAsync("traced", document, cts.Token);

        using var predict = await inference.PostAsJsonAsync("/api/modules/traced/predict", new { inputs = new { email = "Where is my order?" } }, cts.Token);
        Assert.Equal(HttpStatusCode.OK, predict.StatusCode);

        // Server spans stop once their response is sent, which can be after the client has read it: wait for each.
        var server = await _activities.WaitForAsync(a => a.Kind == ActivityKind.Server && a.DisplayName.Contains("predict", StringComparison.OrdinalIgnoreCase), cts.Token);
        await _activities.WaitForAsync(a => a.TraceId == server.TraceId && a.Kind == ActivityKind.Server && a.DisplayName.Contains("versions", StringComparison.OrdinalIgnoreCase), cts.Token);
        var trace = _activities.Snapshot().Where(a => a.TraceId == server.TraceId).ToList();
        Assert.Single(trace, a => a.Kind == ActivityKind.Server && a.DisplayName.Contains("predict", StringComparison.OrdinalIgnoreCase));
        var modelCall = trace.Single(a => a.Source.Name == "LogiLlm" && a.OperationName.StartsWith("chat", StringComparison.Ordinal));
        Assert.NotNull(modelCall.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.NotNull(modelCall.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Contains(trace, a => a.Kind == ActivityKind.Client && a.Source.Name == "System.Net.Http");
    }

    [Fact]
    public async Task A_prediction_has_a_span_naming_the_module_and_version_with_the_model_call_under_it_and_the_cache_outcome()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var inference = _services.CreateInferenceClient();
        var document = await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cts.Token);
        await new FileSystemModuleStore(_services.RegistryPath).PublishAsync("spanned", document, cts.Token);

        using var predict = await inference.PostAsJsonAsync("/api/modules/spanned/predict", new { inputs = new { email = "Where is my order?" } }, cts.Token);
        Assert.Equal(HttpStatusCode.OK, predict.StatusCode);

        var span = await _activities.WaitForAsync(a => a.Source.Name == "LogiLlm.Inference" && a.DisplayName == "predict spanned@1", cts.Token);
        Assert.Single(_activities.Snapshot(), a => a.Source.Name == "LogiLlm.Inference" && a.DisplayName == "predict spanned@1");
        Assert.Equal("spanned", span.GetTagItem("logillm.module"));
        Assert.Equal(1, span.GetTagItem("logillm.module.version"));
        Assert.Equal("Predict", span.GetTagItem("logillm.module.type"));
        Assert.Equal(5, span.GetTagItem("logillm.demos"));
        Assert.NotNull(span.GetTagItem("logillm.adapter"));
        Assert.Contains(span.GetTagItem("logillm.prediction_cache") as string, new[] { "miss", "off" });
        var server = await _activities.WaitForAsync(a => a.Kind == ActivityKind.Server && a.TraceId == span.TraceId && a.DisplayName.Contains("predict", StringComparison.OrdinalIgnoreCase), cts.Token);
        Assert.Equal(server.SpanId, span.ParentSpanId);
        var modelCall = _activities.Snapshot().Single(a => a.TraceId == span.TraceId && a.Source.Name == "LogiLlm" && a.OperationName.StartsWith("chat", StringComparison.Ordinal));
        Assert.True(IsUnder(modelCall, span), "the model call runs under the predict span");
        var parse = _activities.Snapshot().Single(a => a.TraceId == span.TraceId && a.Source.Name == "LogiLlm.Modules" && a.DisplayName.StartsWith("parse ", StringComparison.Ordinal));
        Assert.True(IsUnder(parse, span), "reading the reply runs under the predict span");
        Assert.Equal(ActivityStatusCode.Unset, parse.Status);
    }

    private bool IsUnder(Activity activity, Activity ancestor)
    {
        var byId = _activities.Snapshot().Where(a => a.TraceId == ancestor.TraceId).ToDictionary(a => a.SpanId);
        for (var current = activity; byId.TryGetValue(current.ParentSpanId, out var parent); current = parent)
        {
            if (parent.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Activity listeners are process-wide: trace tests run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "Tracing (not parallel)";
}
