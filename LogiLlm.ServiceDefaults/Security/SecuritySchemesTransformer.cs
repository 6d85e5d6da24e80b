using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LogiLlm.Security;

/// <summary>Declares the API key header and the bearer scheme in the OpenAPI document, so Scalar can send a credential.</summary>
public sealed class SecuritySchemesTransformer : IOpenApiDocumentTransformer
{
    /// <summary>Name of the API key scheme in the document.</summary>
    public const string ApiKeyScheme = "ApiKey";

    /// <summary>Name of the bearer scheme in the document (an API key or an OIDC token).</summary>
    public const string BearerScheme = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key: role predict (inference-api-key) or admin (admin-api-key).",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API key, or an OIDC access token whose 'roles' claim holds predict or admin.",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] });
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] });
        return Task.CompletedTask;
    }
}
