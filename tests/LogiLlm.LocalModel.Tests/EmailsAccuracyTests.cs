using LogiLlm.Demos;
using Xunit.Abstractions;

namespace LogiLlm.LocalModel.Tests;

/// <summary>The acceptance measurement: zero-shot vs few-shot accuracy on emails/dev.</summary>
[Collection(LocalModelCollection.Name)]
public class EmailsAccuracyTests(LocalModelFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Few_shot_with_the_train_set_as_demos_beats_zero_shot_on_dev_by_15_points_and_reaches_075()
    {
        var zeroShot = fixture.NewClassifier();
        var zeroShotAccuracy = await LocalModelFixture.AccuracyAsync(zeroShot, fixture.Dev);

        var fewShot = fixture.NewClassifier();
        fewShot.DemoManager.MaxDemos = fixture.Train.Count;
        fewShot.DemoManager.SelectionStrategy = DemoSelectionStrategy.First;
        foreach (var row in fixture.Train)
        {
            fewShot.DemoManager.Add(LocalModelFixture.ToDemo(row));
        }

        var fewShotAccuracy = await LocalModelFixture.AccuracyAsync(fewShot, fixture.Dev);

        output.WriteLine($"emails/dev ({fixture.Dev.Count}): zero-shot {zeroShotAccuracy:0.000}, few-shot ({fixture.Train.Count} train demos) {fewShotAccuracy:0.000}, gain {fewShotAccuracy - zeroShotAccuracy:+0.000}");
        Assert.True(fewShotAccuracy >= 0.75, $"few-shot accuracy {fewShotAccuracy:0.000} < 0.75");
        Assert.True(fewShotAccuracy - zeroShotAccuracy >= 0.15, $"gain {fewShotAccuracy - zeroShotAccuracy:0.000} < 0.15 (zero-shot {zeroShotAccuracy:0.000})");
    }

    [Theory]
    [InlineData("JSONAdapter")]
    [InlineData("XMLAdapter")]
    public async Task Answers_do_not_depend_on_the_adapter(string adapter)
    {
        var chat = fixture.NewClassifier();
        var other = fixture.NewClassifier(adapter);
        foreach (var module in new[] { chat, other })
        {
            module.DemoManager.MaxDemos = 24;
            foreach (var row in fixture.Train.Take(24))
            {
                module.DemoManager.Add(LocalModelFixture.ToDemo(row));
            }
        }

        foreach (var row in fixture.Dev.Take(8))
        {
            var inputs = new Dictionary<string, object?> { ["email"] = (string)row["inputs"]!["email"]! };
            var a = await chat.InvokeAsync(inputs);
            var b = await other.InvokeAsync(inputs);
            Assert.True(b.Success, b.Error);
            Assert.Equal(a.Outputs["category"], b.Outputs["category"]);
        }
    }
}
