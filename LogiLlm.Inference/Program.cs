using LogiLlm.Inference;
using LogiLlm.Inference.Apis;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLogiLlmAuthentication();
builder.AddLogiLlmRateLimiting();
// Redis down means degraded (modules in memory are still served), so its check is our own.
builder.AddRedisClient("cache", settings => settings.DisableHealthChecks = true);
builder.Services.AddOpenApi();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApiPipeline();
// API docs: anyone in Development, role admin elsewhere.
app.MapOpenApi().AllowAnonymousInDevelopment(app.Environment);
app.MapScalarApiReference().AllowAnonymousInDevelopment(app.Environment);
app.MapInferenceApi();
app.MapDefaultEndpoints();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
