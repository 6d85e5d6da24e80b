using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace LogiLlm.Studio.Access;

/// <summary>
/// People sign in with the OIDC authority (authorization code flow with PKCE, the ASP.NET Core OpenID Connect
/// handler); the result is the Studio's own cookie, holding the account's name and roles and no token. The Studio
/// still calls trainer and inference with the admin key (its service credential), whoever is signed in.
/// </summary>
public static class StudioOidc
{
    public const string SchemeName = OpenIdConnectDefaults.AuthenticationScheme;

    internal static AuthenticationBuilder AddStudioOidc(this AuthenticationBuilder authentication, StudioOidcOptions settings) =>
        authentication.AddOpenIdConnect(SchemeName, settings.Studio.DisplayName ?? "your organization", options =>
        {
            options.Authority = settings.Authority;
            options.ClientId = settings.Studio.ClientId;
            if (!string.IsNullOrWhiteSpace(settings.Studio.ClientSecret))
            {
                options.ClientSecret = settings.Studio.ClientSecret;
            }

            options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;
            options.Scope.Clear();
            options.Scope.Add("openid");
            options.Scope.Add("profile");
            options.MapInboundClaims = false;
            options.TokenValidationParameters.NameClaimType = "name";
            options.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
            // The cookie holds who signed in and their roles; tokens stay out of it (and out of every log).
            options.SaveTokens = false;
            options.GetClaimsFromUserInfoEndpoint = false;
            options.CallbackPath = "/signin-oidc";
            options.AccessDeniedPath = StudioAccess.SignInPath;
            options.Events.OnRemoteFailure = context =>
            {
                // A refused or tampered answer from the authority: back to the sign-in page, which says so (never a 500).
                context.Response.Redirect($"{StudioAccess.SignInPath}?error=oidc");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
}
