using System.Diagnostics;
using System.Globalization;

namespace LogiLlm.Inference.Modules;

/// <summary>
/// The span of a prediction, <c>predict {module}@{version}</c>: module type, adapter, demo count and the response
/// cache's hit or miss; the model call (the GenAI span with token counts) runs under it.
/// </summary>
public static class InferenceTelemetry
{
    /// <summary>Source name (within the services' <c>LogiLlm.*</c> sources).</summary>
    public const string SourceName = "LogiLlm.Inference";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of a prediction (or a batch: <paramref name="operation"/> <c>predict-batch</c>).</summary>
    public static Activity? StartPredict(ResolvedModule resolved, string operation = "predict", int? items = null)
    {
        var activity = Source.StartActivity(
            string.Create(CultureInfo.InvariantCulture, $"{operation} {resolved.Name}@{resolved.Version}"), ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            var module = resolved.Module;
            activity.SetTag("logillm.module", resolved.Name);
            activity.SetTag("logillm.module.version", resolved.Version);
            activity.SetTag("logillm.module.type", module.ModuleType);
            activity.SetTag("logillm.module.digest", resolved.Digest);
            activity.SetTag("logillm.adapter", module.Adapter.Name);
            activity.SetTag("logillm.demos", module.DemoManager.Demos.Count);
            if (items is { } count)
            {
                activity.SetTag("logillm.batch.items", count);
            }
        }

        return activity;
    }

    /// <summary>Records whether the response cache answered the model calls: <c>hit</c>, <c>miss</c> or <c>off</c> (not cacheable).</summary>
    public static void SetCache(this Activity? activity, string outcome) => activity?.SetTag("logillm.prediction_cache", outcome);

    /// <summary>Marks the span failed with a short, secret-free description.</summary>
    public static void SetFailed(this Activity? activity, string description) => activity?.SetStatus(ActivityStatusCode.Error, description);
}
