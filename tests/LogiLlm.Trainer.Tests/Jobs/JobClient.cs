using LogiLlm.Tests.Shared;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;

namespace LogiLlm.Trainer.Tests.Jobs;

/// <summary>Small client for the training job API.</summary>
public static class JobClient
{
    public static async Task<JsonObject> WaitForStatusAsync(HttpClient client, string id, string status, CancellationToken cancellationToken)
    {
        while (true)
        {
            var job = await TrainingJobsApiClient.GetAsync(client, id, cancellationToken);
            if ((string?)job["status"] == status)
            {
                return job;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public static object InlineJob(string module, string optimizer = "labeled-few-shot") => new
    {
        module,
        signature = "email: str -> category: str",
        instructions = "Classify customer emails by category",
        trainset = new[]
        {
            new { inputs = new { email = "Please refund my order" }, outputs = new { category = "refund_request" } },
            new { inputs = new { email = "Where is my parcel?" }, outputs = new { category = "order_status" } },
            new { inputs = new { email = "I was charged twice this month" }, outputs = new { category = "billing_issue" } },
        },
        valset = new[]
        {
            new { inputs = new { email = "Please refund my order" }, outputs = new { category = "refund_request" } },
            new { inputs = new { email = "Where is my parcel?" }, outputs = new { category = "order_status" } },
        },
        optimizer = new { type = optimizer },
        metric = new { type = "accuracy", key = "category" },
    };
}
