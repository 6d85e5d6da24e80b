using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Providers;
using LogiLlm.Tests.Shared;

namespace LogiLlm.LocalModel.Tests;

/// <summary>One registry with the local provider for the test run (the network itself is loaded once per process).</summary>
public sealed class LocalModelFixture
{
    public LocalModelFixture()
    {
        Registry = new ProviderRegistry(registerBuiltIns: false);
        Provider = Registry.AddLocalModel();
        Train = ReadJsonl("train.jsonl");
        Dev = ReadJsonl("dev.jsonl");
    }

    public ProviderRegistry Registry { get; }

    public Provider Provider { get; }

    /// <summary>emails/train.jsonl from the shared data folder.</summary>
    public IReadOnlyList<JsonObject> Train { get; }

    /// <summary>emails/dev.jsonl from the shared data folder.</summary>
    public IReadOnlyList<JsonObject> Dev { get; }

    public Predict NewClassifier(string? adapter = null)
    {
        var module = new Predict(SampleDatasets.EmailsSignature) { Provider = Provider };
        if (adapter is not null)
        {
            module.Adapter = Adapters.AdapterFactory.Create(adapter);
        }

        return module;
    }

    public static Demo ToDemo(JsonObject row) => Demo.Create(row["inputs"]!.AsObject(), row["outputs"]!.AsObject(), source: "labeled");

    /// <summary>Share of <paramref name="rows"/> whose predicted category equals the label.</summary>
    public static async Task<double> AccuracyAsync(Module module, IReadOnlyList<JsonObject> rows)
    {
        var correct = 0;
        foreach (var row in rows)
        {
            var prediction = await module.InvokeAsync(new Dictionary<string, object?> { ["email"] = (string)row["inputs"]!["email"]! });
            Assert.True(prediction.Success, prediction.Error);
            if (Equals(prediction.Outputs["category"], (string)row["outputs"]!["category"]!))
            {
                correct++;
            }
        }

        return (double)correct / rows.Count;
    }

    private static List<JsonObject> ReadJsonl(string file) =>
        File.ReadLines(Path.Combine(SharedPaths.Dataset("emails"), file))
            .Where(l => l.Length > 0)
            .Select(l => JsonNode.Parse(l)!.AsObject())
            .ToList();
}

[CollectionDefinition(Name)]
public sealed class LocalModelCollection : ICollectionFixture<LocalModelFixture>
{
    public const string Name = "local model";
}
