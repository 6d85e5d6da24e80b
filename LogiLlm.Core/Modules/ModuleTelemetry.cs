using System.Diagnostics;

namespace LogiLlm;

/// <summary>
/// Spans of the library's own steps (source <c>LogiLlm.Modules</c>, within the services' <c>LogiLlm.*</c> sources):
/// <c>parse {adapter}</c> reads a model reply into the outputs, next to the model call's GenAI span. Without a
/// listener (a plain library user), nothing is created.
/// </summary>
public static class ModuleTelemetry
{
    /// <summary>The activity source name.</summary>
    public const string SourceName = "LogiLlm.Modules";

    internal static readonly ActivitySource Source = new(SourceName);

    /// <summary>Starts the span of reading a reply with <paramref name="adapter"/>.</summary>
    internal static Activity? StartParse(string adapter, int replyLength)
    {
        var activity = Source.StartActivity($"parse {adapter}", ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("logillm.adapter", adapter);
            activity.SetTag("logillm.reply.length", replyLength);
        }

        return activity;
    }

    /// <summary>Records a reply the adapter could not read (the field only, never the reply's text).</summary>
    internal static void SetParseFailed(this Activity? activity, string? field)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("logillm.parse.failed_field", field);
        activity.SetStatus(ActivityStatusCode.Error, "the reply could not be read");
    }
}
