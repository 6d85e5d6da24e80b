using System.Text.Json;
using LogiLlm.Trainer.Jobs;

namespace LogiLlm.Trainer.Tests.Jobs;

public class TrainingJobStatusTests
{
    [Theory]
    [InlineData(TrainingJobStatus.Queued, "queued")]
    [InlineData(TrainingJobStatus.Running, "running")]
    [InlineData(TrainingJobStatus.Succeeded, "succeeded")]
    [InlineData(TrainingJobStatus.Failed, "failed")]
    [InlineData(TrainingJobStatus.Cancelled, "cancelled")]
    public void Statuses_keep_their_wire_names_in_json_and_in_redis(TrainingJobStatus status, string name)
    {
        Assert.Equal($"\"{name}\"", JsonSerializer.Serialize(status));
        Assert.Equal(status, JsonSerializer.Deserialize<TrainingJobStatus>($"\"{name}\""));
        Assert.Equal(name, status.Name());
        Assert.True(TrainingJobStatusNames.TryParse(name, out var parsed));
        Assert.Equal(status, parsed);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("canceled")]
    [InlineData("")]
    public void Numbers_and_unknown_names_are_not_statuses(string text)
    {
        Assert.False(TrainingJobStatusNames.TryParse(text, out _));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TrainingJobStatus>(JsonSerializer.Serialize(text)));
    }

    [Fact]
    public void Redis_names_are_read_in_their_exact_spelling_only() =>
        Assert.False(TrainingJobStatusNames.TryParse("Queued", out _));

    [Fact]
    public void Succeeded_failed_and_cancelled_are_the_terminal_states()
    {
        Assert.Equal(
            [TrainingJobStatus.Succeeded, TrainingJobStatus.Failed, TrainingJobStatus.Cancelled],
            Enum.GetValues<TrainingJobStatus>().Where(s => s.IsTerminal()));
    }
}
