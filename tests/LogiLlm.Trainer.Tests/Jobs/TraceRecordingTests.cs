using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>
/// The services record spans only when something exports them: without an OTLP endpoint or an added exporter, a span
/// that would start a trace is not recorded (and nothing under it is created), so a run without telemetry does not pay
/// for activities; an exporter added with <see cref="TraceExport.AddTraceExporter"/> or the OTLP endpoint turns them on.
/// </summary>
public sealed class TraceRecordingTests
{
    [Fact]
    public void Without_an_exporter_no_span_is_recorded_nor_a_child_created()
    {
        using var host = ServiceHost(configure: null);
        _ = host.Host.Services.GetRequiredService<TracerProvider>();

        using var root = host.Source.StartActivity("POST /api/training-jobs", ActivityKind.Server);
        using var child = host.Source.StartActivity("train m", ActivityKind.Internal);

        Assert.False(root?.Recorded ?? false);
        Assert.False(root?.IsAllDataRequested ?? false);
        Assert.Null(child);
    }

    [Fact]
    public void A_sampled_caller_does_not_turn_recording_on_without_an_exporter()
    {
        using var host = ServiceHost(configure: null);
        _ = host.Host.Services.GetRequiredService<TracerProvider>();
        var caller = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);

        using var request = host.Source.StartActivity("POST /api/training-jobs", ActivityKind.Server, caller);

        Assert.False(request?.IsAllDataRequested ?? false);
    }

    [Fact]
    public void An_added_exporter_records_and_exports_the_spans()
    {
        var exported = new List<Activity>();
        using var host = ServiceHost(services => services.AddTraceExporter(t => t.AddInMemoryExporter(exported)));
        var provider = host.Host.Services.GetRequiredService<TracerProvider>();

        using (var root = host.Source.StartActivity("train m", ActivityKind.Internal))
        using (host.Source.StartActivity("trial", ActivityKind.Internal))
        {
            Assert.True(root?.Recorded);
        }

        provider.ForceFlush();
        Assert.Equal(["trial", "train m"], exported.Select(a => a.DisplayName));
    }

    [Fact]
    public void An_otlp_endpoint_records_the_spans()
    {
        using var host = ServiceHost(configure: null, otlpEndpoint: "http://127.0.0.1:1");
        _ = host.Host.Services.GetRequiredService<TracerProvider>();

        using var root = host.Source.StartActivity("train m", ActivityKind.Internal);

        Assert.True(root?.Recorded);
    }

    /// <summary>
    /// A host with the services' telemetry, whose spans come from the source named after its application, a name no other
    /// test's tracer provider listens to (listeners are process wide, and another test's exporter would record them).
    /// </summary>
    private static TracedHost ServiceHost(Action<IServiceCollection>? configure, string? otlpEndpoint = null)
    {
        var name = "TraceRecordingTests-" + Guid.NewGuid().ToString("n");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ApplicationName = name, EnvironmentName = "Production" });
        builder.Configuration[TraceExport.OtlpEndpointKey] = otlpEndpoint;
        builder.ConfigureOpenTelemetry();
        configure?.Invoke(builder.Services);
        return new TracedHost(builder.Build(), new ActivitySource(name));
    }

    private sealed record TracedHost(IHost Host, ActivitySource Source) : IDisposable
    {
        public void Dispose()
        {
            Host.Dispose();
            Source.Dispose();
        }
    }
}
