using LogiLlm.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Authentication and authorization of both services: API keys of two roles (<c>Auth:ApiKeys:Predict</c>,
/// <c>Auth:ApiKeys:Admin</c>) and, when <c>Auth:Authority</c> and <c>Auth:Audience</c> are set, OIDC bearer tokens.
/// Every endpoint needs role admin unless it says otherwise (predictions need role predict; health is anonymous).
/// </summary>
public static class AuthenticationExtensions
{
    /// <summary>The default scheme: picks the JWT bearer handler for a token that looks like a JWT, else the API key handler.</summary>
    public const string DefaultScheme = "LogiLlm";

    /// <summary>Registers the schemes, the policies, the fallback policy and the <c>auth</c> health check; refusals are ProblemDetails through <c>AddServiceDefaults</c>.</summary>
    /// <exception cref="InvalidOperationException">Outside Development with no key and no authority configured.</exception>
    public static TBuilder AddLogiLlmAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var section = builder.Configuration.GetSection(AuthOptions.SectionName);
        var settings = section.Get<AuthOptions>() ?? new AuthOptions();
        var openLocally = !settings.HasCredentials;
        if (openLocally && !builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                $"{builder.Environment.ApplicationName} refuses to start: no API key and no OIDC authority is configured and the environment is "
                + $"'{builder.Environment.EnvironmentName}', so anyone could call it. Set Auth:ApiKeys:Admin and Auth:ApiKeys:Predict "
                + "(environment Auth__ApiKeys__Admin, Auth__ApiKeys__Predict; the AppHost parameters admin-api-key and inference-api-key do it), "
                + "or Auth:Authority and Auth:Audience for OIDC bearer tokens.");
        }

        var keys = new ApiKeySet(settings.ApiKeys);
        builder.Services.AddOptions<AuthOptions>().Bind(section);

        var authentication = builder.Services.AddAuthentication(DefaultScheme)
            .AddPolicyScheme(DefaultScheme, "API key or OIDC bearer token", options =>
                options.ForwardDefaultSelector = context => settings.OidcEnabled && IsJwtRequest(context.Request)
                    ? JwtBearerDefaults.AuthenticationScheme
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, options =>
            {
                options.Keys = keys;
                options.AllowAnonymousLoopback = openLocally;
            });
        if (settings.OidcEnabled)
        {
            authentication.AddJwtBearer(options =>
            {
                options.Authority = settings.Authority;
                options.Audience = settings.Audience;
                // Keep claim names as issued, so "roles" and "sub" mean what the authority meant.
                options.MapInboundClaims = false;
                options.TokenValidationParameters.RoleClaimType = settings.RoleClaim;
                options.TokenValidationParameters.NameClaimType = "sub";
            });
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(LogiLlmPolicies.Predict, policy => policy.RequireRole(LogiLlmRoles.Predict, LogiLlmRoles.Admin))
            .AddPolicy(LogiLlmPolicies.Admin, policy => policy.RequireRole(LogiLlmRoles.Admin))
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireRole(LogiLlmRoles.Admin).Build());
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemDetailsAuthorizationResultHandler>();

        builder.Services.AddHealthChecks().AddCheck("auth", new AuthHealthCheck(settings, keys.Count));
        if (openLocally)
        {
            builder.Services.AddHostedService<OpenAccessWarning>();
        }

        // HttpClient's Trace logs list request headers: the message redacts them, but the log state carries the raw values,
        // and the admin key travels in a header from inference to the trainer.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Debug);

        builder.Services.ConfigureAll<OpenApiOptions>(options => options.AddDocumentTransformer<SecuritySchemesTransformer>());
        return builder;
    }

    /// <summary>Adds the admin key to every request of this client (service to service).</summary>
    public static IHttpClientBuilder AddLogiLlmAdminCredential(this IHttpClientBuilder builder)
    {
        builder.Services.AddTransient<AdminCredentialHandler>();
        return builder.AddHttpMessageHandler<AdminCredentialHandler>();
    }

    /// <summary>Lets anonymous callers in while the environment is Development (API docs); elsewhere the fallback policy applies.</summary>
    public static TBuilder AllowAnonymousInDevelopment<TBuilder>(this TBuilder builder, IHostEnvironment environment)
        where TBuilder : IEndpointConventionBuilder =>
        environment.IsDevelopment() ? builder.AllowAnonymous() : builder;

    private static bool IsJwtRequest(HttpRequest request) =>
        !request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName)
        && ApiKeyAuthenticationHandler.ReadBearer(request) is { } token
        && token.Count(c => c == '.') == 2;
}
