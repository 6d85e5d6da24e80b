using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The root sampler of the services (under <see cref="ParentBasedSampler"/>): a span that starts a trace as a call
/// out (kind <see cref="ActivityKind.Client"/>: a Redis command, an HTTP call) comes from background work that no
/// request or job started, such as the trainer's queue polling or a cache refresh, and would flood the dashboard's
/// trace list with one trace per poll. Those are dropped; everything else is kept, and work that matters in the
/// background (a training job) starts its own span, under which its calls are kept.
/// </summary>
public sealed class BackgroundRootSampler : Sampler
{
    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client
            ? new SamplingResult(SamplingDecision.Drop)
            : new SamplingResult(SamplingDecision.RecordAndSample);
}
