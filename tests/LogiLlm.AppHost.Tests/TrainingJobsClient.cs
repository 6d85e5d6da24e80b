using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;

namespace LogiLlm.AppHost.Tests;

/// <summary>Small client for the trainer's training job API.</summary>
public static class TrainingJobsClient
{
    public static async Task<JsonObject> WaitUntilAsync(HttpClient trainer, string id, Func<JsonObject, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await TrainingJobsApiClient.GetAsync(trainer, id, cancellationToken);
            if (done(job))
            {
                return job;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>A job on the shipped emails sample.</summary>
    public static JsonObject EmailsJob(string module, int? hyperparameterTrials = null) => new()
    {
        ["module"] = module,
        ["signature"] = "email: str -> category: str",
        ["instructions"] = "Classify customer emails by category",
        ["sampleDataset"] = "emails",
        ["optimizer"] = hyperparameterTrials is { } trials
            ? new JsonObject { ["type"] = "hyperparameter", ["trials"] = trials }
            : new JsonObject { ["type"] = "labeled-few-shot", ["maxDemos"] = 12 },
        ["metric"] = new JsonObject { ["type"] = "accuracy", ["key"] = "category" },
        ["paramSpace"] = hyperparameterTrials is null ? null : new JsonObject { ["temperature"] = new JsonArray(0.0, 1.0) },
    };
}
