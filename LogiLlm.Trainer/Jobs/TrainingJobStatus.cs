using System.Collections.Frozen;
using System.Text.Json.Serialization;

namespace LogiLlm.Trainer.Jobs;

/// <summary>The states of a training job, written in Redis and in responses by their lower-case names (<c>queued</c>, ...).</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<TrainingJobStatus>))]
public enum TrainingJobStatus
{
    /// <summary>Waiting in the queue (<c>queued</c>).</summary>
    Queued,

    /// <summary>A worker owns it and is optimizing (<c>running</c>).</summary>
    Running,

    /// <summary>Finished; a new module version was published (<c>succeeded</c>).</summary>
    Succeeded,

    /// <summary>Finished with an error (<c>failed</c>).</summary>
    Failed,

    /// <summary>Cancelled before it finished (<c>cancelled</c>).</summary>
    Cancelled,
}

/// <summary>The wire names of <see cref="TrainingJobStatus"/> (as JSON writes them) and the terminal states.</summary>
public static class TrainingJobStatusNames
{
    private static readonly FrozenDictionary<string, TrainingJobStatus> ByName =
        Enum.GetValues<TrainingJobStatus>().ToFrozenDictionary(s => s.ToWireName(), StringComparer.Ordinal);

    private static readonly string[] Names = [.. Enum.GetValues<TrainingJobStatus>().Select(s => s.ToWireName())];

    /// <summary>The wire name: <c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public static string Name(this TrainingJobStatus status) => Names[(int)status];

    /// <summary>Reads a wire name (exact spelling; numbers and unknown names are refused).</summary>
    public static bool TryParse(string? name, out TrainingJobStatus status)
    {
        status = default;
        return name is not null && ByName.TryGetValue(name, out status);
    }

    /// <summary>True for the states a job never leaves.</summary>
    public static bool IsTerminal(this TrainingJobStatus status) =>
        status is TrainingJobStatus.Succeeded or TrainingJobStatus.Failed or TrainingJobStatus.Cancelled;
}
