using System.Diagnostics;
using LogiLlm.Tests.Shared;
using LogiLlm.Trainer.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>
/// What the trainer exports as traces: no trace per background poll of the queue (the dashboard's trace list stays
/// readable), and one trace per training job with its trials.
/// </summary>
public sealed class TrainerTracingTests(JobsRedisFixture fixture) : IClassFixture<JobsRedisFixture>
{
    private const string RedisSource = "OpenTelemetry.Instrumentation.StackExchangeRedis";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task An_idle_trainer_polls_redis_but_exports_no_root_trace_for_it()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var exported = new RecordedActivities();
        // Sees the Redis commands that start no trace without asking for them to be recorded (propagation only), so
        // it proves the polling happened while leaving the exporting decision to the services' sampler.
        var backgroundCommands = 0;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RedisSource,
            Sample = (ref ActivityCreationOptions<ActivityContext> options) =>
                options.Parent == default ? ActivitySamplingResult.PropagationData : ActivitySamplingResult.None,
            ActivityStopped = activity =>
            {
                if (activity.ParentSpanId == default)
                {
                    Interlocked.Increment(ref backgroundCommands);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = fixture.Host(registry, prefix, services: s => s.AddTraceExporter(t => t.AddInMemoryExporter(exported)));
        host.Start();

        // The test host polls every 200 ms (queue wait and lease reaper), and the Redis instrumentation reports commands
        // in batches: wait (bounded) until a good number of background commands went out.
        while (Volatile.Read(ref backgroundCommands) < 20)
        {
            await Task.Delay(100, cts.Token);
        }

        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        {
            Assert.DoesNotContain(exported.Snapshot(), a => a.ParentSpanId == default && (a.Kind == ActivityKind.Client || a.Source.Name == RedisSource));
        }
    }

    [Fact]
    public async Task A_training_job_is_a_trace_of_its_own_with_a_trial_event_per_step()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var (registry, prefix) = fixture.NewDeployment();
        var exported = new RecordedActivities();
        await using var host = fixture.Host(registry, prefix, services: s => s.AddTraceExporter(t => t.AddInMemoryExporter(exported)));
        var client = host.CreateClient();

        var id = await TrainingJobsApiClient.CreateAsync(client, JobClient.InlineJob("traced-job"), cts.Token);
        var events = await TrainingJobsApiClient.FollowAsync(client, id, cts.Token);
        Assert.Equal("succeeded", events[^1].Event);

        // The job's span ends after its last event is written (the worker disposes it when the run returns), so the
        // client can see "succeeded" before the span is exported: wait for it, bounded by the test's token.
        var job = await exported.WaitForAsync(a => a.Source.Name == TrainerTelemetry.SourceName && (string?)a.GetTagItem("logillm.training_job.id") == id, cts.Token);
        Assert.Single(exported.Snapshot(), a => a.Source.Name == TrainerTelemetry.SourceName && (string?)a.GetTagItem("logillm.training_job.id") == id);

        Assert.Equal("train traced-job", job.DisplayName);
        Assert.Equal(default, job.ParentSpanId);
        Assert.Equal("labeled-few-shot", job.GetTagItem("logillm.training_job.optimizer"));
        Assert.Contains(job.Events, e => e.Name == "trial" && e.Tags.Any(t => t.Key == "logillm.trial.done"));
    }

    [Fact]
    public void The_services_sampler_drops_calls_that_start_a_trace_and_keeps_requests_jobs_and_calls_under_them()
    {
        using var source = new ActivitySource("LogiLlm.SamplerTest." + Guid.NewGuid().ToString("n"));
        var exported = new List<Activity>();
        using (var provider = Sdk.CreateTracerProviderBuilder()
            .SetSampler(new ParentBasedSampler(new BackgroundRootSampler()))
            .AddSource(source.Name)
            .AddInMemoryExporter(exported)
            .Build())
        {
            using (source.StartActivity("LINDEX", ActivityKind.Client))
            {
            }

            using (source.StartActivity("POST /api/training-jobs", ActivityKind.Server))
            using (source.StartActivity("EVAL", ActivityKind.Client))
            {
            }

            using (source.StartActivity("train m", ActivityKind.Internal))
            using (source.StartActivity("GET", ActivityKind.Client))
            {
            }
        }

        Assert.Equal(["EVAL", "POST /api/training-jobs", "GET", "train m"], exported.Select(a => a.DisplayName));
    }
}
