using LogiLlm.Trainer.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LogiLlm.Trainer.Apis;

/// <summary>The labelled sample datasets a training job can name (<c>sampleDataset</c>).</summary>
public static class SampleDatasetsApi
{
    /// <summary>Maps <c>GET /api/sample-datasets</c>.</summary>
    public static IEndpointRouteBuilder MapSampleDatasetsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/sample-datasets", ListSamples).WithTags("Training")
            .WithName("ListSampleDatasets").WithSummary("The shipped sample datasets with the signature each was written for and its sizes.");
        return app;
    }

    /// <summary>A sample dataset.</summary>
    public sealed record SampleDatasetInfo(string Name, string Signature, int TrainCount, int DevCount);

    internal static Ok<IReadOnlyList<SampleDatasetInfo>> ListSamples(ISampleDatasets samples) =>
        TypedResults.Ok<IReadOnlyList<SampleDatasetInfo>>(samples.Names
            .Select(samples.Find)
            .OfType<TrainingSample>()
            .Select(s => new SampleDatasetInfo(s.Name, s.Signature, s.Train.Count, s.Dev.Count))
            .ToList());
}
