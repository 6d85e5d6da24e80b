using LogiLlm.Tests.Shared;

namespace LogiLlm.LocalModel.Tests;

public class SampleDatasetsTests
{
    [Fact]
    public void Get_emails_returns_the_shipped_train_and_dev_splits()
    {
        var emails = SampleDatasets.Get("emails");

        Assert.Equal(72, emails.Train().Count);
        Assert.Equal(36, emails.Dev().Count);
        Assert.All(emails.Train(), row => Assert.NotNull(row["inputs"]?["email"]));
        Assert.Contains("Customer-support emails", emails.Readme);
        Assert.Equal(["emails"], SampleDatasets.Names);
    }

    [Fact]
    public void Shipped_emails_sample_is_identical_to_the_shared_dataset()
    {
        var emails = SampleDatasets.Get("EMAILS");

        Assert.Equal(File.ReadAllText(Path.Combine(SharedPaths.Dataset("emails"), "train.jsonl")), emails.TrainJsonl);
        Assert.Equal(File.ReadAllText(Path.Combine(SharedPaths.Dataset("emails"), "dev.jsonl")), emails.DevJsonl);
    }

    [Fact]
    public void Get_unknown_sample_names_the_known_ones()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => SampleDatasets.Get("tweets"));
        Assert.Contains("emails", e.Message);
    }
}
