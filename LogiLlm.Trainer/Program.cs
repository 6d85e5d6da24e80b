using LogiLlm.Trainer;
using LogiLlm.Trainer.Apis;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLogiLlmAuthentication();
builder.AddRedisClient("cache");
builder.Services.AddOpenApi();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiPipeline();
app.MapOpenApi().AllowAnonymousInDevelopment(app.Environment);
app.MapModulesApi();
app.MapTrainingJobsApi();
app.MapSampleDatasetsApi();
app.MapDefaultEndpoints();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
