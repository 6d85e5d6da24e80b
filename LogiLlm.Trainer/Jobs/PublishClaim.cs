namespace LogiLlm.Trainer.Jobs;

/// <summary>What a run found when it asked for the right to publish its job's module (<see cref="TrainingJobLeases.ClaimPublishAsync"/>).</summary>
/// <param name="Kind">The outcome.</param>
/// <param name="Version">The version an earlier run recorded (<see cref="PublishClaimKind.Published"/>).</param>
/// <param name="HolderToken">The lease token of the run publishing now (<see cref="PublishClaimKind.InFlight"/>).</param>
public readonly record struct PublishClaim(PublishClaimKind Kind, int Version = 0, long HolderToken = 0)
{
    /// <summary>This run may publish.</summary>
    public static PublishClaim Claimed => new(PublishClaimKind.Claimed);

    /// <summary>The run's lease no longer holds the job.</summary>
    public static PublishClaim Lost => new(PublishClaimKind.Lost);

    /// <summary>An earlier run of the job published and recorded <paramref name="version"/>.</summary>
    public static PublishClaim Published(int version) => new(PublishClaimKind.Published, Version: version);

    /// <summary>An earlier run (lease token <paramref name="holder"/>) is publishing and has not recorded a version yet.</summary>
    public static PublishClaim InFlight(long holder) => new(PublishClaimKind.InFlight, HolderToken: holder);
}

/// <summary>The outcomes of <see cref="PublishClaim"/>.</summary>
public enum PublishClaimKind
{
    /// <summary>This run may publish.</summary>
    Claimed,

    /// <summary>An earlier run recorded its version: reuse it.</summary>
    Published,

    /// <summary>An earlier run is publishing: wait for its version.</summary>
    InFlight,

    /// <summary>The lease no longer holds the job.</summary>
    Lost,
}
