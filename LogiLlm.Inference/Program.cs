using LogiLlm.Inference;
using LogiLlm.Inference.Apis;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
// Redis down means degraded (modules in memory are still served), so its check is our own.
builder.AddRedisClient("cache", settings => settings.DisableHealthChecks = true);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.AddApplicationServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseRequestBodyLimits();
app.UseStatusCodePages();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapInferenceApi();
app.MapDefaultEndpoints();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
