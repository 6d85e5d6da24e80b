using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace LogiLlm.Studio.Access;

/// <summary>Sign-in with the admin key (cookie), the bearer key for automation, and the admin policy on every page.</summary>
public static class StudioAccess
{
    public const string AdminRole = "admin";
    public const string AdminPolicy = "admin";
    public const string SignInPath = "/signin";
    private const string SelectorScheme = "Studio";

    public const string OidcSignInPath = "/signin/oidc";

    public static IServiceCollection AddStudioAccess(this IServiceCollection services, IConfiguration configuration)
    {
        var oidc = configuration.GetSection(StudioOidcOptions.Section).Get<StudioOidcOptions>() ?? new();
        services.AddOptions<StudioOidcOptions>().BindConfiguration(StudioOidcOptions.Section);
        services.AddOptions<StudioAccessOptions>().BindConfiguration(StudioAccessOptions.Section)
            .PostConfigure<IOptions<StudioOidcOptions>>((access, signIn) => access.SignInWithOidc = signIn.Value.Enabled);
        var authentication = services.AddAuthentication(SelectorScheme)
            .AddPolicyScheme(SelectorScheme, "Cookie or admin key", options =>
                options.ForwardDefaultSelector = context => AdminKeyAuthenticationHandler.CarriesKey(context.Request)
                    ? AdminKeyAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "logillm-studio";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Strict;
                options.LoginPath = SignInPath;
                options.LogoutPath = "/signout";
                // Signed in (e.g. through OIDC) without the admin role: the sign-in page says so.
                options.AccessDeniedPath = SignInPath;
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
                options.SlidingExpiration = true;
            })
            .AddScheme<AuthenticationSchemeOptions, AdminKeyAuthenticationHandler>(AdminKeyAuthenticationHandler.SchemeName, null);
        if (oidc.Enabled)
        {
            authentication.AddStudioOidc(oidc);
        }

        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireRole(AdminRole));
        services.AddCascadingAuthenticationState();
        return services;
    }

    /// <summary>The principal of a person who signed in with the admin key.</summary>
    public static ClaimsPrincipal Admin() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "admin"), new Claim(ClaimTypes.Role, AdminRole)], CookieAuthenticationDefaults.AuthenticationScheme));

    /// <summary>Requires the admin role when a key is configured; leaves the Studio open otherwise.</summary>
    public static TBuilder RequireStudioAdmin<TBuilder>(this TBuilder builder, IServiceProvider services) where TBuilder : IEndpointConventionBuilder
    {
        if (services.GetRequiredService<IOptions<StudioAccessOptions>>().Value.IsClosed)
        {
            builder.RequireAuthorization(AdminPolicy);
        }

        return builder;
    }

    /// <summary>Maps <c>POST /signout</c> and, with OIDC, <c>GET /signin/oidc</c> (starts the authority's sign-in).</summary>
    public static IEndpointRouteBuilder MapStudioAccess(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<StudioOidcOptions>>().Value.Enabled)
        {
            app.MapGet(OidcSignInPath, (string? returnUrl) => TypedResults.Challenge(
                new AuthenticationProperties { RedirectUri = LocalOrRoot(returnUrl) }, [StudioOidc.SchemeName]))
                .AllowAnonymous();
        }

        app.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.LocalRedirect(SignInPath);
        });
        return app;
    }

    /// <summary>
    /// <paramref name="url"/> when it is a path of this site, else <c>/</c>: a sign-in must never send people to
    /// another site.
    /// </summary>
    public static string LocalOrRoot(string? url) =>
        url is { Length: > 0 } && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal) ? url : "/";
}
