namespace LogiLlm.Providers;

/// <summary>
/// The one spelling of LogiLlm's telemetry name. This file is compiled into LogiLlm.Core (for the provider pipeline)
/// and, as linked source, into LogiLlm.ServiceDefaults, which references no LogiLlm project (the Studio uses it too).
/// </summary>
internal static class LogiLlmTelemetryNames
{
    /// <summary>ActivitySource and Meter of model calls (the Microsoft.Extensions.AI OpenTelemetry middleware).</summary>
    public const string ModelCalls = "LogiLlm";

    /// <summary>
    /// The sources and meters a service listens to: the model calls, and every <c>LogiLlm.*</c> component source
    /// (<c>LogiLlm.Modules</c>, <c>LogiLlm.Inference</c>, <c>LogiLlm.Trainer</c>), which are distinct on purpose.
    /// </summary>
    public static readonly string[] ListenedTo = [ModelCalls, ModelCalls + ".*"];
}
