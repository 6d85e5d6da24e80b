using LogiLlm.Studio.Access;
using LogiLlm.Studio.Clients;
using Microsoft.Extensions.Options;

namespace LogiLlm.Studio;

/// <summary>The Studio's own services: access, and typed clients for the trainer and inference.</summary>
public static class StudioServiceExtensions
{
    public static IHostApplicationBuilder AddStudioServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StudioOptions>().BindConfiguration(StudioOptions.Section);
        builder.Services.AddStudioAccess(builder.Configuration);
        builder.Services.AddTransient<AdminKeyForwardingHandler>();
        builder.Services.AddScoped<Registry.ModuleCatalog>();

        builder.Services.AddHttpClient<TrainerClient>((services, http) => http.BaseAddress = Options(services).TrainerUrl)
            .AddHttpMessageHandler<AdminKeyForwardingHandler>();
        builder.Services.AddHttpClient<InferenceClient>((services, http) => http.BaseAddress = Options(services).InferenceUrl)
            .AddHttpMessageHandler<AdminKeyForwardingHandler>();

        // Server-sent events last as long as a job: no total timeout and no retry of a half-read stream.
#pragma warning disable EXTEXP0001 // the (experimental) documented way to opt one client out of the default handler
        builder.Services.AddHttpClient(TrainerClient.EventsClientName, (services, http) =>
            {
                http.BaseAddress = Options(services).TrainerUrl;
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers()
            .AddHttpMessageHandler<AdminKeyForwardingHandler>();
#pragma warning restore EXTEXP0001
        return builder;
    }

    private static StudioOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<StudioOptions>>().Value;
}
