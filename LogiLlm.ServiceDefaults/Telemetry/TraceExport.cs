using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Whether the services record spans at all. A span is only worth its cost when something exports it: the OTLP exporter
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, which the Aspire AppHost sets, so the dashboard shows traces) or an exporter a host
/// adds with <see cref="AddTraceExporter"/> (tests, a local exporter). Without one, tracing is still registered (Aspire's
/// Redis client and the instrumentations register it themselves), so the services' sampler records nothing instead:
/// a request then pays for no activity data, no tags and no processor calls.
/// </summary>
public static class TraceExport
{
    /// <summary>The configuration key whose value, when set, sends traces (and metrics and logs) over OTLP.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Adds a trace exporter (or processor) with <paramref name="configure"/> and makes the services record the spans it
    /// exports. An exporter added with <c>ConfigureOpenTelemetryTracerProvider</c> alone sees no span unless
    /// <see cref="OtlpEndpointKey"/> is set.
    /// </summary>
    public static IServiceCollection AddTraceExporter(this IServiceCollection services, Action<TracerProviderBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.TryAddSingleton<ExporterAdded>();
        return services.ConfigureOpenTelemetryTracerProvider(configure);
    }

    /// <summary>
    /// The sampler of the services: <see cref="BackgroundRootSampler"/> under <see cref="ParentBasedSampler"/> when spans are
    /// exported, else <see cref="AlwaysOffSampler"/> (not parent based, so a caller's sampled <c>traceparent</c> does not
    /// turn recording back on).
    /// </summary>
    public static Sampler Sampler(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return IsExported(services) ? new ParentBasedSampler(new BackgroundRootSampler()) : new AlwaysOffSampler();
    }

    /// <summary>True when the OTLP endpoint is configured or a host added an exporter with <see cref="AddTraceExporter"/>.</summary>
    public static bool IsExported(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService<ExporterAdded>() is not null
            || !string.IsNullOrWhiteSpace(services.GetService<IConfiguration>()?[OtlpEndpointKey]);
    }

    /// <summary>Marks that <see cref="AddTraceExporter"/> was called.</summary>
    private sealed class ExporterAdded;
}
