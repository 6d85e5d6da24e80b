using LogiLlm.AppHost;
using LogiLlm.AppHost.Cache;
using LogiLlm.AppHost.Registry;

var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddLogiLlmCache("cache");

// The module registry: a folder by default; blob storage with Registry:Store=blob (Azurite) and always when published.
var registryStorage = builder.AddLogiLlmRegistryStorage();

// The model the services call. Without a provider/key the app runs offline on the default provider.
// Non-secret values are published as defaults; the key is a secret input that azd stores as an ACA secret.
var llmProvider = builder.AddParameter("llm-provider", () => builder.Configuration["Parameters:llm-provider"] ?? "local", publishValueAsDefault: true);
var llmModel = builder.AddParameter("llm-model", () => builder.Configuration["Parameters:llm-model"] ?? string.Empty, publishValueAsDefault: true);
var llmEndpoint = builder.AddParameter("llm-endpoint", () => builder.Configuration["Parameters:llm-endpoint"] ?? string.Empty, publishValueAsDefault: true);
var llmApiKey = builder.AddParameter("llm-api-key", () => builder.Configuration["Parameters:llm-api-key"] ?? string.Empty, secret: true);
// Optional shared secret (base64 of 32+ bytes): the trainer signs every version it publishes, inference serves only signed ones.
var moduleSigningKey = builder.AddParameter("module-signing-key", () => builder.Configuration["Parameters:module-signing-key"] ?? string.Empty, secret: true);

// Who may call the services: role predict (inference-api-key) and role admin (admin-api-key), comma-separated for rotation.
// Published, both are required secrets (azd prompts, ACA stores them); run locally without them, loopback callers are
// let in anonymously (Development only) and the services log a warning.
var inferenceApiKey = AddApiKey("inference-api-key");
var adminApiKey = AddApiKey("admin-api-key");

var trainer = builder.AddProject<Projects.LogiLlm_Trainer>("trainer")
    .WithReference(cache).WaitFor(cache)
    .WithEnvironment("Llm__Provider", llmProvider)
    .WithEnvironment("Llm__Model", llmModel)
    .WithEnvironment("Llm__Endpoint", llmEndpoint)
    .WithEnvironment("Llm__ApiKey", llmApiKey)
    .WithEnvironment("ModuleSigning__Key", moduleSigningKey)
    .WithRegistryStorage(registryStorage)
    .WithLogiLlmAuth(builder.Configuration, inferenceApiKey, adminApiKey)
    .WithHttpHealthCheck("/health");

// Trainer replicas share the training job queue in the cache (Trainer:Replicas, default 1); TrainingJobs:* tunes the workers.
if (int.TryParse(builder.Configuration["Trainer:Replicas"], out var replicas) && replicas > 1)
{
    trainer.WithReplicas(replicas);
}

foreach (var setting in builder.Configuration.GetSection("TrainingJobs").GetChildren().Where(s => s.Value is not null))
{
    trainer.WithEnvironment($"TrainingJobs__{setting.Key}", setting.Value);
}

var inference = builder.AddProject<Projects.LogiLlm_Inference>("inference")
    .WithReference(cache).WaitFor(cache)
    .WithReference(trainer).WaitFor(trainer)
    .WithEnvironment("Llm__Provider", llmProvider)
    .WithEnvironment("Llm__Model", llmModel)
    .WithEnvironment("Llm__Endpoint", llmEndpoint)
    .WithEnvironment("Llm__ApiKey", llmApiKey)
    .WithEnvironment("ModuleSigning__Key", moduleSigningKey)
    .WithLogiLlmAuth(builder.Configuration, inferenceApiKey, adminApiKey)
    // Requests per minute per API key, token subject or client address; a batch item counts as a request.
    .WithEnvironment("RateLimit__PermitsPerMinute", builder.Configuration["Inference:RateLimit:PermitsPerMinute"] ?? "600")
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();

// The Studio: the product's web UI (modules, versions, training, playground) on http://localhost:5090 in a local run.
var studio = builder.AddProject<Projects.LogiLlm_Studio>("studio")
    .WithReference(trainer).WaitFor(trainer)
    .WithReference(inference).WaitFor(inference)
    // People sign in with the admin key; the Studio calls trainer and inference with it.
    .WithEnvironment("Auth__ApiKeys__Admin", adminApiKey)
    .WithHttpHealthCheck("/health")
    .WithExternalHttpEndpoints();
// People may also sign in with an OIDC authority (Entra ID): Auth:Authority plus the Studio's own registration.
if (builder.Configuration["Auth:Studio:ClientId"] is { Length: > 0 } studioClientId)
{
    foreach (var setting in new[] { "Authority", "RoleClaim", "Studio:DisplayName" })
    {
        if (builder.Configuration[$"Auth:{setting}"] is { Length: > 0 } value)
        {
            studio.WithEnvironment($"Auth__{setting.Replace(":", "__", StringComparison.Ordinal)}", value);
        }
    }

    studio.WithEnvironment("Auth__Studio__ClientId", studioClientId);
    // A confidential registration's secret is a secret parameter (user secrets locally, a Container Apps secret).
    if (builder.Configuration["Parameters:studio-client-secret"] is not null || builder.ExecutionContext.IsPublishMode)
    {
        studio.WithEnvironment("Auth__Studio__ClientSecret", builder.AddParameter("studio-client-secret", secret: true));
    }
}

if (!builder.ExecutionContext.IsPublishMode && builder.Configuration["ASPNETCORE_URLS"]?.Split(';')[0] is { Length: > 0 } dashboardUrl)
{
    studio.WithEnvironment("Studio__DashboardUrl", dashboardUrl);   // links from a prediction to its trace
}

// A folder of module files baked into the deployment (the COPY models/ pattern), served by file name before the registry.
if (builder.Configuration["Inference:ModulesPath"] is { Length: > 0 } modulesPath)
{
    inference.WithEnvironment("Inference__ModulesPath", Path.GetFullPath(modulesPath, builder.AppHostDirectory));
}

builder.Build().Run();

IResourceBuilder<ParameterResource> AddApiKey(string name) =>
    builder.ExecutionContext.IsPublishMode
        ? builder.AddParameter(name, secret: true)
        : builder.AddParameter(name, () => builder.Configuration[$"Parameters:{name}"] ?? string.Empty, secret: true);
