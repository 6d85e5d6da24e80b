using System.Text.Json.Nodes;
using LogiLlm.Inference.Predictions;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogiLlm.Inference.Tests;

/// <summary>The answers the endpoints can give are in the OpenAPI document, and exceptions map to them in one place.</summary>
public sealed class OpenApiAndProblemsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_openapi_document_lists_the_not_found_bad_gateway_and_unavailable_answers_of_predict_as_problems()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var services = new ServicePair();
        using var inference = services.CreateInferenceClient();

        var document = JsonNode.Parse(await inference.GetStringAsync("/openapi/v1.json", cts.Token))!;

        var paths = document["paths"]!;
        var predict = paths["/api/modules/{moduleRef}/predict"]!["post"]!["responses"]!.AsObject();
        foreach (var status in new[] { "200", "400", "404", "413", "502", "503" })
        {
            Assert.True(predict.ContainsKey(status), $"predict does not declare {status}: {string.Join(", ", predict.Select(p => p.Key))}");
        }

        foreach (var status in new[] { "404", "502", "503" })
        {
            Assert.NotNull(predict[status]!["content"]!["application/problem+json"]);
        }

        var describe = paths["/api/modules/{moduleRef}"]!["get"]!["responses"]!.AsObject();
        Assert.True(describe.ContainsKey("404") && describe.ContainsKey("503"), string.Join(", ", describe.Select(p => p.Key)));
        Assert.NotNull(predict["200"]!["content"]!["application/json"]);
    }

    [Theory]
    [InlineData(true, StatusCodes.Status503ServiceUnavailable)]
    [InlineData(false, StatusCodes.Status502BadGateway)]
    public async Task The_shared_handler_answers_a_provider_failure_through_the_inference_mapper_without_the_providers_text(bool transient, int expected)
    {
        var context = HttpContextWithProblemDetails();
        var handler = new ProblemExceptionHandler(
            context.RequestServices.GetRequiredService<IProblemDetailsService>(),
            [new InferenceProblemMapper(NullLogger<InferenceProblemMapper>.Instance)],
            NullLogger<ProblemExceptionHandler>.Instance);

        var handled = await handler.TryHandleAsync(context, new ProviderException("org-SECRETORG said no", "openai", 500, transient), CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(expected, context.Response.StatusCode);
        var body = await BodyAsync(context);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.DoesNotContain("SECRETORG", body, StringComparison.Ordinal);
    }

    [Fact]
    public void A_module_that_does_not_load_is_502_naming_the_loader_message_and_an_unreachable_registry_is_503()
    {
        var mapper = new InferenceProblemMapper(NullLogger<InferenceProblemMapper>.Instance);

        var invalid = mapper.TryMap(new PersistenceException("The module is not signed with the configured key."));
        LogiLlm.Registry.ModuleRef.TryParse("emails@2", out var reference);
        var unreachable = mapper.TryMap(new ModuleRegistryUnavailableException(reference, new HttpRequestException("connection refused 10.0.0.7")));

        Assert.Equal(StatusCodes.Status502BadGateway, invalid!.Status);
        Assert.Contains("not signed", invalid.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, unreachable!.Status);
        Assert.DoesNotContain("10.0.0.7", unreachable.Detail, StringComparison.Ordinal);
        Assert.Null(mapper.TryMap(new InvalidOperationException("not ours")));
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("rejected")]
    [InlineData("http-timeout")]
    public void Timeouts_and_resilience_rejections_are_503_problems_that_say_nothing_of_the_internals(string kind)
    {
        Exception exception = kind switch
        {
            "timeout" => new TimeoutException("redis 10.0.0.9:6379 timed out"),
            "rejected" => new Polly.Timeout.TimeoutRejectedException("pipeline to 10.0.0.9 timed out"),
            _ => new TaskCanceledException("HttpClient.Timeout of 100 s elapsed", new TimeoutException("10.0.0.9")),
        };

        var problem = ProblemExceptionHandler.Describe(exception);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, problem.Status);
        Assert.DoesNotContain("10.0.0.9", problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Anything_unmapped_is_still_a_500_that_names_no_internals()
    {
        var problem = ProblemExceptionHandler.Describe(new InvalidOperationException("the connection string is host=10.0.0.9"));

        Assert.Equal(StatusCodes.Status500InternalServerError, problem.Status);
        Assert.DoesNotContain("10.0.0.9", problem.Detail, StringComparison.Ordinal);
    }

    private static DefaultHttpContext HttpContextWithProblemDetails()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        return new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
    }

    private static async Task<string> BodyAsync(HttpContext context)
    {
        context.Response.Body.Position = 0;
        using var reader = new StreamReader(context.Response.Body);
        return await reader.ReadToEndAsync();
    }
}
