using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.LocalModel;
using LogiLlm.Providers;

namespace LogiLlm.Benchmarks;

/// <summary>Shared setup of the local-model measurements: the emails sample and classifiers on the "local" provider.</summary>
internal static class LocalModelBenchSupport
{
    public static Provider Provider { get; } = new ProviderRegistry(registerBuiltIns: false).AddLocalModel(
        options: new ProviderOptions { EnableTelemetry = false, MaxRetries = 0 });

    public static SampleDataset Emails { get; } = SampleDatasets.Get("emails");

    public static IReadOnlyList<string> DevEmails { get; } = Emails.Dev().Select(r => (string)r["inputs"]!["email"]!).ToArray();

    /// <summary>The emails classifier, zero-shot or with all 72 train rows as demos.</summary>
    public static Predict Classifier(bool fewShot)
    {
        var module = new Predict(SampleDatasets.EmailsSignature) { Provider = Provider };
        if (fewShot)
        {
            var train = Emails.Train();
            module.DemoManager.MaxDemos = train.Count;
            foreach (var row in train)
            {
                module.DemoManager.Add(Demo.Create(row["inputs"]!.AsObject(), row["outputs"]!.AsObject(), source: "labeled"));
            }
        }

        return module;
    }

    /// <summary>A dev email made unique with a suffix, so the embedding cache cannot answer it.</summary>
    public static string UniqueEmail(int i) => $"{DevEmails[i % DevEmails.Count]} (ref {i})";

    public static JsonObject Inputs(string email) => new() { ["email"] = email };
}
