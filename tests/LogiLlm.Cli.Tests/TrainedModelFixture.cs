using System.Text.Json.Nodes;

namespace LogiLlm.Cli.Tests;

/// <summary>One module trained in process with <c>logillm train</c> on the emails data and the local model, shared by a collection.</summary>
public sealed class TrainedModelFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();

    internal string ModelPath => _folder.File("models/email_classifier.json");

    internal CliRun Training { get; private set; } = null!;

    internal JsonObject TrainingJson { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Training = await CliRunner.RunAsync(
            ["train", "--signature", Emails.Signature, "--data", Emails.Train, "--valset", Emails.Dev,
             "--optimizer", "labeled-few-shot", "--max-demos", "72", "--metric", "accuracy:category", "--seed", "7",
             "--out", ModelPath, "--json"]);
        TrainingJson = Training.ExitCode == 0 ? JsonNode.Parse(Training.Out)!.AsObject() : [];
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class TrainedModelCollection : ICollectionFixture<TrainedModelFixture>
{
    public const string Name = "A module trained with logillm train";
}
