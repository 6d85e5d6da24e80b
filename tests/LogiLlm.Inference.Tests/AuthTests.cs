using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace LogiLlm.Inference.Tests;

/// <summary>
/// Authentication of the services in memory: OIDC bearer tokens minted here against a local signing key (the JWT
/// handler is given the issuer's configuration, so nothing goes to the network), the loopback-only open mode, the
/// refusal to start unsecured in Production, and keys that never reach a log.
/// </summary>
public sealed class AuthTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Issuer = "https://login.example.test/tenant/v2.0";
    private const string Audience = "api://logillm-tests";

    private static readonly RsaSecurityKey SigningKey = new(RSA.Create(2048)) { KeyId = "test-key" };
    private static readonly RsaSecurityKey OtherKey = new(RSA.Create(2048)) { KeyId = "test-key" };

    private static readonly string AdminKey = $"admin-{Guid.NewGuid():n}";

    private static ServicePair OidcPair(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Auth:Authority"] = Issuer,
            ["Auth:Audience"] = Audience,
            // Inference reaches the trainer with the admin key; the JWTs are for the callers.
            ["Auth:ApiKeys:Admin"] = AdminKey,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        configuration.SigningKeys.Add(SigningKey);
        return new ServicePair(both: new(settings, services =>
            services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
                options.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration))));
    }

    private static string Token(
        string? role = "predict", string audience = Audience, SecurityKey? key = null, DateTime? expires = null, string subject = "user-1")
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (role is not null)
        {
            claims["roles"] = new[] { role };
        }

        var notBefore = (expires ?? DateTime.UtcNow.AddMinutes(10)).AddMinutes(-30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires ?? DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(key ?? SigningKey, SecurityAlgorithms.RsaSha256),
        });
    }

    private static async Task ImportAsync(ServicePair pair, string name, CancellationToken cancellationToken)
    {
        using var trainer = pair.CreateTrainerClient();
        trainer.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        var body = await File.ReadAllTextAsync(SharedPaths.Fixture("optimized.json"), cancellationToken);
        using var response = await trainer.PostAsync($"/api/modules/{name}/versions", new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> PredictAsync(HttpClient inference, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/modules/emails/predict")
        {
            Content = JsonContent.Create(new { inputs = new { email = "Where is my parcel?" } }),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await inference.SendAsync(request, cancellationToken);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, (int)JsonNode.Parse(body)!["status"]!);
    }

    [Fact]
    public async Task A_token_with_role_predict_may_predict_but_not_describe()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var pair = OidcPair();
        await ImportAsync(pair, "emails", cts.Token);
        using var inference = pair.CreateInferenceClient();

        using var predicted = await PredictAsync(inference, Token(), cts.Token);
        Assert.True(predicted.StatusCode == HttpStatusCode.OK, await predicted.Content.ReadAsStringAsync(cts.Token));
        Assert.Equal("order_status", (string?)JsonNode.Parse(await predicted.Content.ReadAsStringAsync(cts.Token))!["outputs"]!["category"]);

        using var describe = new HttpRequestMessage(HttpMethod.Get, "/api/modules/emails");
        describe.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token());
        await AssertProblemAsync(await inference.SendAsync(describe, cts.Token), HttpStatusCode.Forbidden);

        using var asAdmin = new HttpRequestMessage(HttpMethod.Get, "/api/modules/emails");
        asAdmin.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token(role: "admin"));
        using var described = await inference.SendAsync(asAdmin, cts.Token);
        Assert.Equal(HttpStatusCode.OK, described.StatusCode);
    }

    [Fact]
    public async Task Expired_tokens_other_audiences_and_bad_signatures_are_401_and_a_token_without_role_is_403()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var pair = OidcPair();
        await ImportAsync(pair, "emails", cts.Token);
        using var inference = pair.CreateInferenceClient();

        foreach (var rejected in new[]
                 {
                     Token(expires: DateTime.UtcNow.AddMinutes(-10)),
                     Token(audience: "api://someone-else"),
                     Token(key: OtherKey),
                 })
        {
            using var response = await PredictAsync(inference, rejected, cts.Token);
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        }

        await AssertProblemAsync(await PredictAsync(inference, null, cts.Token), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await PredictAsync(inference, Token(role: null), cts.Token), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_role_claim_is_configurable()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var pair = OidcPair(new Dictionary<string, string> { ["Auth:RoleClaim"] = "roles_of_logillm" });
        await ImportAsync(pair, "emails", cts.Token);
        using var inference = pair.CreateInferenceClient();

        // "roles" is now just a claim; the role must come from the configured one.
        await AssertProblemAsync(await PredictAsync(inference, Token(), cts.Token), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Without_keys_in_development_only_loopback_callers_are_let_in()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var remote = new InferenceFactory(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IStartupFilter>(new RemoteAddressFilter(IPAddress.Parse("203.0.113.7")))));
        using var client = remote.CreateClient();

        await AssertProblemAsync(await client.GetAsync("/api/modules/emails", cts.Token), HttpStatusCode.Unauthorized);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/modules/emails/predict", new { inputs = new { email = "x" } }, cts.Token), HttpStatusCode.Unauthorized);
        using var health = await client.GetAsync("/health", cts.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var local = new InferenceFactory(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton<IStartupFilter>(new RemoteAddressFilter(IPAddress.IPv6Loopback))));
        using var localClient = local.CreateClient();
        using var openApi = await localClient.GetAsync("/openapi/v1.json", cts.Token);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact]
    public void In_production_without_key_or_authority_the_service_refuses_to_start_and_says_what_to_set()
    {
        using var factory = new InferenceFactory(builder => builder.UseEnvironment("Production"));

        var error = Assert.Throws<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains("refuses to start", error.Message);
        Assert.Contains("Auth:ApiKeys:Admin", error.Message);
        Assert.Contains("Auth:Authority", error.Message);
        Assert.Contains("admin-api-key", error.Message);
    }

    [Fact]
    public async Task The_openapi_document_declares_the_api_key_header_and_bearer_schemes()
    {
        using var cts = new CancellationTokenSource(Timeout);
        using var factory = new InferenceFactory(_ => { });
        using var client = factory.CreateClient();

        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json", cts.Token))!;

        var schemes = document["components"]!["securitySchemes"]!;
        Assert.Equal("apiKey", (string?)schemes["ApiKey"]!["type"]);
        Assert.Equal("header", (string?)schemes["ApiKey"]!["in"]);
        Assert.Equal("X-Api-Key", (string?)schemes["ApiKey"]!["name"]);
        Assert.Equal("http", (string?)schemes["Bearer"]!["type"]);
        Assert.Equal("bearer", (string?)schemes["Bearer"]!["scheme"]);
        Assert.Equal(2, document["security"]!.AsArray().Count);
    }

    [Fact]
    public async Task Api_keys_never_reach_a_log_or_an_answer()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var predictKey = $"predict-{Guid.NewGuid():n}";
        var wrongKey = $"wrong-{Guid.NewGuid():n}";
        using var pair = new ServicePair(both: new(
            new Dictionary<string, string>
            {
                ["Auth:ApiKeys:Predict"] = predictKey,
                ["Auth:ApiKeys:Admin"] = AdminKey,
                ["Logging:LogLevel:Default"] = "Trace",
            },
            services => services.AddFakeLogging()));
        await ImportAsync(pair, "emails", cts.Token);
        using var inference = pair.CreateInferenceClient();

        using var ok = await PredictAsync(inference, predictKey, cts.Token);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/modules/emails/predict") { Content = JsonContent.Create(new { inputs = new { email = "x" } }) };
        wrong.Headers.Add("X-Api-Key", wrongKey);
        using var refused = await inference.SendAsync(wrong, cts.Token);
        var answer = await refused.Content.ReadAsStringAsync(cts.Token) + string.Join('\n', refused.Headers.Select(h => $"{h.Key}: {string.Join(',', h.Value)}"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.DoesNotContain(wrongKey, answer);

        var logs = pair.InferenceServices.GetFakeLogCollector().GetSnapshot()
            .Concat(pair.TrainerServices.GetFakeLogCollector().GetSnapshot())
            .Select(r => $"{r.Message} {string.Join(' ', r.StructuredState?.Select(s => s.Value) ?? [])}")
            .ToList();
        Assert.NotEmpty(logs);
        Assert.Contains(logs, line => line.Contains("not authenticated", StringComparison.OrdinalIgnoreCase));
        foreach (var key in new[] { predictKey, wrongKey, AdminKey })
        {
            Assert.DoesNotContain(logs, line => line.Contains(key, StringComparison.Ordinal));
        }
    }

    private sealed class InferenceFactory(Action<IWebHostBuilder> configure) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            // No redis is needed for these requests: the cache client connects lazily and reports degraded health.
            builder.UseSetting("ConnectionStrings:cache", "127.0.0.1:1,abortConnect=false,connectTimeout=200");
            builder.UseSetting("Llm:Provider", "mock");
            configure(builder);
        }
    }

    private sealed class RemoteAddressFilter(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
