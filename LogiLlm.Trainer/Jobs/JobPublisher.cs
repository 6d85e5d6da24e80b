using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Hosting;
using LogiLlm.Persistence;
using LogiLlm.Registry;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer.Jobs;

/// <summary>
/// The end of a successful run: writes the optimized module to the registry once per job. A job id maps to at most
/// one version whatever happens to the runs' leases (one run holds the right to publish at a time; a later run
/// reuses the version an earlier run recorded, or the one whose lineage names the job).
/// </summary>
internal sealed class JobPublisher(
    TrainingJobLeases leases,
    IModuleStore modules,
    ModuleFileOptions files,
    IOptions<TrainingJobOptions> options,
    TimeProvider time,
    JobEndSteps end,
    ILogger logger,
    string workerId)
{
    /// <summary>
    /// Publishes the job's module unless an earlier run of the same job already did (its lease lapsed after the
    /// publish, or during it): then that version is reused, so a job id maps to at most one version. One run publishes
    /// at a time (<see cref="TrainingJobLeases.ClaimPublishAsync"/>): a run that finds an earlier run's publish still
    /// in flight waits for the version it records, for at most <see cref="TrainingJobOptions.PublishWaitTimeout"/>,
    /// then looks for it in the registry's lineage before taking over. Returns null when the lease was lost on the way.
    /// </summary>
    public async Task<ModuleVersionInfo?> PublishOnceAsync(JobLease lease, TrainingJobSpec spec, TrainingOutcome outcome, CancellationToken runToken, CancellationToken stoppingToken)
    {
        var job = lease.Job;
        long? replacing = null;
        int? replacingVersion = null;
        while (true)
        {
            var claim = await end.RunAsync("claim the publish of", () => leases.ClaimPublishAsync(lease, replacing, replacingVersion), stoppingToken);
            switch (claim?.Kind)
            {
                case null or PublishClaimKind.Lost:
                    logger.LogWarning("Training job {JobId} was taken from worker {Worker} before it could publish; dropping its result", job.Id, workerId);
                    return null;
                case PublishClaimKind.Published:
                    if (await RecordedVersionAsync(lease, spec.Module, claim.Value.Version, stoppingToken) is { } published)
                    {
                        return Reuse(published);
                    }

                    // The registry no longer has it, or that number now holds another job's module (replaced, or rebuilt
                    // from a backup older than the publish): the claim is taken over, and this run records the version
                    // whose lineage names the job, or publishes its module anew.
                    logger.LogWarning("Training job {JobId} recorded {Module}@{Version} as published, but the registry does not list it as this job's; taking the publish over", job.Id, spec.Module, claim.Value.Version);
                    replacingVersion = claim.Value.Version;
                    continue;
                case PublishClaimKind.InFlight:
                    logger.LogInformation("Training job {JobId}: an earlier run is still publishing {Module}; worker {Worker} waits for its version", job.Id, spec.Module, workerId);
                    if (await WaitForPublishedVersionAsync(lease.JobId, runToken) is not null)
                    {
                        continue;   // recorded: the claim now says Published, and that case reuses or replaces it
                    }

                    // The earlier run never recorded a version (it died mid-publish, or after): its lineage may still
                    // name this job. Otherwise take the right to publish over from it.
                    if (await FindInLineageAsync(lease, spec.Module, stoppingToken) is { } found)
                    {
                        return Reuse(found);
                    }

                    replacing = claim.Value.HolderToken;
                    continue;
            }

            // Claimed. A run of an older trainer (or one that crashed between its publish and its record) may have
            // published without recording: the lineage is the source of truth.
            if (job.Attempts > 1 && await FindInLineageAsync(lease, spec.Module, stoppingToken) is { } earlier)
            {
                return await RecordAsync(earlier);
            }

            var module = outcome.Module;
            module.Metadata[TrainingJobWorker.TrainingJobMetadataKey] = new JsonObject
            {
                ["id"] = job.Id,
                ["optimizer"] = spec.Optimizer.Type,
                ["metric"] = $"{spec.Metric.ToWireName()}({spec.MetricKey})",
                ["dataset"] = spec.SampleDataset ?? "inline",
                ["baseline_score"] = outcome.BaselineScore,
                ["best_score"] = outcome.BestScore,
            };
            var document = ModuleSaver.SaveToString(module, files.Save);   // signed when ModuleSigning:Key is set
            return await RecordAsync(await modules.PublishAsync(spec.Module, document, CancellationToken.None));
        }

        ModuleVersionInfo Reuse(ModuleVersionInfo info)
        {
            logger.LogInformation("Training job {JobId} already published {Module}@{Version} in an earlier run; reusing it", job.Id, spec.Module, info.Version);
            return info;
        }

        // The version is recorded under the publish right, not the lease: a run whose lease lapsed meanwhile still
        // records what it wrote, so the job's next run reuses it. Whether this run may complete the job is decided
        // by the complete step, which the lease guards.
        async Task<ModuleVersionInfo?> RecordAsync(ModuleVersionInfo info)
        {
            if (await end.RunAsync("record the published version of", () => leases.RecordPublishedVersionAsync(lease, info.Version), stoppingToken) is not true)
            {
                logger.LogWarning("Training job {JobId} published {Module}@{Version} but another run took the publish over; it may be a second version of the job", job.Id, spec.Module, info.Version);
            }

            return info;
        }
    }

    /// <summary>Waits for the version an earlier run of the job records, polling at the lease renewal interval.</summary>
    private async Task<int?> WaitForPublishedVersionAsync(string jobId, CancellationToken runToken)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < options.Value.PublishWaitTimeout)
        {
            if (await end.RunAsync("read the published version of", async () => await leases.GetPublishedVersionAsync(jobId) ?? 0, runToken) is > 0 and var version)
            {
                return version;
            }

            await Task.Delay(options.Value.LeaseRenewInterval, time, runToken);
        }

        logger.LogWarning("Training job {JobId}: the earlier run recorded no version within {Timeout}; looking for it in the registry", jobId, options.Value.PublishWaitTimeout);
        return null;
    }

    /// <summary>
    /// The version <paramref name="recorded"/> when the registry lists it and its lineage names the job (a number is not
    /// proof: a rebuilt registry may give it to another job's module), else null.
    /// </summary>
    private async Task<ModuleVersionInfo?> RecordedVersionAsync(JobLease lease, string module, int recorded, CancellationToken stoppingToken) =>
        (await modules.ListVersionsAsync(module, stoppingToken)).FirstOrDefault(v => v.Version == recorded) is { } info
        && await IsThisJobsAsync(lease, info, stoppingToken)
            ? info
            : null;

    /// <summary>
    /// The newest version created since the job was queued whose lineage names the job (a minute of slack for clock
    /// skew), else null.
    /// </summary>
    private async Task<ModuleVersionInfo?> FindInLineageAsync(JobLease lease, string module, CancellationToken stoppingToken)
    {
        var versions = await modules.ListVersionsAsync(module, stoppingToken);
        foreach (var candidate in versions.Where(v => v.CreatedAt >= lease.Job.CreatedAt - TimeSpan.FromMinutes(1)).OrderByDescending(v => v.Version))
        {
            if (await IsThisJobsAsync(lease, candidate, stoppingToken))
            {
                return candidate;
            }
        }

        return null;
    }

    private async Task<bool> IsThisJobsAsync(JobLease lease, ModuleVersionInfo candidate, CancellationToken stoppingToken) =>
        await modules.GetAsync(candidate.Ref, stoppingToken) is { } stored && JobIdOf(stored.Document) == lease.JobId;

    private static string? JobIdOf(string document)
    {
        try
        {
            return JsonNode.Parse(document)?["metadata"]?[TrainingJobWorker.TrainingJobMetadataKey]?["id"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null;
        }
    }
}
