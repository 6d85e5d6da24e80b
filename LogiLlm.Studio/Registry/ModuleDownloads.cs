using LogiLlm.Studio.Clients;

namespace LogiLlm.Studio.Registry;

/// <summary><c>GET /download/{name}/{version}</c>: the saved module file of a version, as an attachment.</summary>
public static class ModuleDownloads
{
    public static RouteHandlerBuilder MapModuleDownloads(this IEndpointRouteBuilder app) =>
        app.MapGet("/download/{name}/{version:int}", async (string name, int version, TrainerClient trainer, CancellationToken cancellationToken) =>
        {
            var document = await trainer.GetDocumentAsync(name, version.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            if (document.Problem is { } problem)
            {
                return Results.Problem(problem.Detail, title: problem.Title, statusCode: (int)problem.Status);
            }

            return Results.File(System.Text.Encoding.UTF8.GetBytes(document.Value!), "application/json", $"{name}-v{version}.json");
        });
}
