using LogiLlm.Studio;
using LogiLlm.Studio.Access;
using LogiLlm.Studio.Components;
using LogiLlm.Studio.Registry;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddStudioServices();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapStudioAccess();
app.MapModuleDownloads().RequireStudioAdmin(app.Services);
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode()
    .RequireStudioAdmin(app.Services);
app.MapDefaultEndpoints();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
