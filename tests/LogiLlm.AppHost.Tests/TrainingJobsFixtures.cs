namespace LogiLlm.AppHost.Tests;

/// <summary>
/// The full graph with two trainer replicas (<c>--Trainer:Replicas=2</c>) sharing the training job queue, short leases so
/// that a dead replica's job is taken over within seconds, and a registry in a fresh temporary folder.
/// </summary>
public abstract class TrainingJobsAppFixture : AppHostFixture
{
    /// <summary>Lease of a running job; a killed replica's job is requeued after at most this long.</summary>
    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(3);

    protected override IEnumerable<string> ExtraArguments =>
    [
        "--Trainer:Replicas=2",
        $"--TrainingJobs:LeaseDuration={LeaseDuration}", "--TrainingJobs:LeaseRenewInterval=00:00:00.500",
        "--TrainingJobs:ReaperInterval=00:00:00.500", "--TrainingJobs:PollInterval=00:00:00.500",
    ];
}

/// <summary>Two trainer replicas on <c>redis-server</c>.</summary>
public sealed class TrainingJobsRedisFixture : TrainingJobsAppFixture
{
    protected override string CacheMode => "executable";
}

/// <summary>Two trainer replicas on the embedded Garnet server.</summary>
public sealed class TrainingJobsGarnetFixture : TrainingJobsAppFixture
{
    protected override string CacheMode => "garnet";
}

/// <summary>Two trainer replicas on <c>redis-server</c>, one of which a test kills.</summary>
public sealed class TrainingJobsKillFixture : TrainingJobsAppFixture
{
    protected override string CacheMode => "executable";
}

[CollectionDefinition(Name)]
public sealed class TrainingJobsRedisCollection : ICollectionFixture<TrainingJobsRedisFixture>
{
    public const string Name = "Training jobs, two trainers on redis-server";
}

[CollectionDefinition(Name)]
public sealed class TrainingJobsGarnetCollection : ICollectionFixture<TrainingJobsGarnetFixture>
{
    public const string Name = "Training jobs, two trainers on Garnet";
}

[CollectionDefinition(Name)]
public sealed class TrainingJobsKillCollection : ICollectionFixture<TrainingJobsKillFixture>
{
    public const string Name = "Training jobs, a trainer killed mid-job";
}
