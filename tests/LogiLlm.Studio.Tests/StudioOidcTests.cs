extern alias studio;

using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using studio::LogiLlm.Studio.Clients;

namespace LogiLlm.Studio.Tests;

/// <summary>
/// People sign in to the Studio with an OIDC authority: the whole authorization code flow with PKCE against an
/// authority played by the test (its metadata, a token endpoint, tokens signed with a key made here; no network).
/// </summary>
public sealed class StudioOidcTests : IDisposable
{
    private const string Issuer = "https://login.test/tenant/v2.0";
    private const string ClientId = "studio-client-id";
    private const string AdminKey = "studio-oidc-test-admin-key-0a7f";
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly TestAuthority _authority;
    private readonly WebApplicationFactory<studio::Program> _factory;

    public StudioOidcTests()
    {
        _authority = new TestAuthority(new RsaSecurityKey(_rsa) { KeyId = "test-key" });
        var configuration = new OpenIdConnectConfiguration
        {
            Issuer = Issuer,
            AuthorizationEndpoint = "https://login.test/tenant/oauth2/v2.0/authorize",
            TokenEndpoint = "https://login.test/tenant/oauth2/v2.0/token",
        };
        configuration.SigningKeys.Add(_authority.TrustedKey);
        _factory = new WebApplicationFactory<studio::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Auth:ApiKeys:Admin", AdminKey);
            web.UseSetting("Auth:Authority", Issuer);
            web.UseSetting("Auth:Studio:ClientId", ClientId);
            web.UseSetting("Auth:Studio:DisplayName", "Contoso");
            web.UseSetting("Studio:TrainerUrl", "http://trainer.test");
            web.UseSetting("Studio:InferenceUrl", "http://inference.test");
            web.ConfigureTestServices(services =>
            {
                services.AddHttpClient<TrainerClient>().ConfigurePrimaryHttpMessageHandler(() => new EmptyTrainer());
                services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, options =>
                {
                    options.Configuration = configuration;
                    options.BackchannelHttpHandler = _authority;
                });
            });
        });
    }

    private HttpClient Browser() => _factory.CreateClient(new WebApplicationFactoryClientOptions
    {
        AllowAutoRedirect = false,
        HandleCookies = true,
        // The handler's correlation and nonce cookies are Secure.
        BaseAddress = new Uri("https://localhost"),
    });

    [Fact]
    public async Task Signing_in_with_the_authority_as_an_admin_opens_the_pages_with_a_cookie_holding_no_token()
    {
        using var browser = Browser();

        var signIn = await browser.GetStringAsync("/signin?ReturnUrl=%2Ftrain");
        Assert.Contains("Sign in with Contoso", signIn);
        Assert.Contains("/signin/oidc?returnUrl=%2Ftrain", signIn);

        using var callback = await SignInAsync(browser, "/train", roles: ["admin"]);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/train", callback.Headers.Location!.OriginalString);
        var cookie = callback.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("logillm-studio=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_authority.LastIdToken!, cookie, StringComparison.Ordinal);
        using var page = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<h1>Modules</h1>", await page.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_authorization_request_uses_the_code_flow_with_pkce_and_a_nonce()
    {
        using var browser = Browser();

        using var challenge = await browser.GetAsync("/signin/oidc?returnUrl=%2F");

        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!;
        Assert.Equal("https://login.test/tenant/oauth2/v2.0/authorize", location.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal(ClientId, query["client_id"]);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["code_challenge"]));
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        Assert.Equal("https://localhost/signin-oidc", query["redirect_uri"]);
    }

    [Fact]
    public async Task An_account_without_the_admin_role_is_signed_in_but_kept_out_of_the_pages()
    {
        using var browser = Browser();
        using var callback = await SignInAsync(browser, "/", roles: ["predict"], name: "Dana Reader");
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);

        using var page = await browser.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/signin", page.Headers.Location!.AbsolutePath);
        var signIn = await browser.GetStringAsync(page.Headers.Location.PathAndQuery);
        Assert.Contains("Dana Reader without the <code>admin</code> role", signIn);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_signs_nobody_in_and_the_page_says_so()
    {
        using var browser = Browser();
        using var stranger = RSA.Create(2048);

        using var callback = await SignInAsync(browser, "/", roles: ["admin"], signingKey: new RsaSecurityKey(stranger) { KeyId = "test-key" });

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/signin?error=oidc", callback.Headers.Location!.OriginalString);
        Assert.False(callback.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("logillm-studio=", StringComparison.Ordinal)));
        Assert.Contains("did not succeed", await browser.GetStringAsync("/signin?error=oidc"));
        using var page = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
    }

    [Fact]
    public async Task Sign_in_with_the_authority_only_returns_to_a_local_page()
    {
        using var browser = Browser();

        using var callback = await SignInAsync(browser, "//evil.example/steal", roles: ["admin"]);

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/", callback.Headers.Location!.OriginalString);
    }

    /// <summary>Runs the flow as a browser would: challenge, the authority's answer posted back to /signin-oidc.</summary>
    private async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string returnUrl, string[] roles, string name = "Ada Admin", SecurityKey? signingKey = null)
    {
        using var challenge = await browser.GetAsync($"/signin/oidc?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var query = HttpUtility.ParseQueryString(challenge.Headers.Location!.Query);
        _authority.Issue(query["nonce"]!, query["code_challenge"]!, roles, name, signingKey);
        using var answer = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["code"] = TestAuthority.Code,
            ["state"] = query["state"]!,
        });
        return await browser.PostAsync("/signin-oidc", answer);
    }

    public void Dispose()
    {
        _factory.Dispose();
        _rsa.Dispose();
    }

    /// <summary>The authority's token endpoint: redeems the one code for an id token, checking the PKCE verifier.</summary>
    private sealed class TestAuthority(SecurityKey trustedKey) : HttpMessageHandler
    {
        public const string Code = "authorization-code-1";
        private (string Nonce, string Challenge, string[] Roles, string Name, SecurityKey Key)? _next;

        public SecurityKey TrustedKey { get; } = trustedKey;

        public string? LastIdToken { get; private set; }

        public void Issue(string nonce, string challenge, string[] roles, string name, SecurityKey? key) =>
            _next = (nonce, challenge, roles, name, key ?? TrustedKey);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = HttpUtility.ParseQueryString(await request.Content!.ReadAsStringAsync(cancellationToken));
            var next = _next ?? throw new InvalidOperationException("no sign-in was started");
            var verifier = form["code_verifier"] ?? string.Empty;
            var expected = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (request.RequestUri!.AbsoluteUri != "https://login.test/tenant/oauth2/v2.0/token"
                || form["grant_type"] != "authorization_code" || form["code"] != Code || form["client_id"] != ClientId || expected != next.Challenge)
            {
                return new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent("""{"error":"invalid_grant"}""", Encoding.UTF8, "application/json"),
                };
            }

            var now = DateTime.UtcNow;
            LastIdToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = ClientId,
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(10),
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = "account-1",
                    ["name"] = next.Name,
                    ["nonce"] = next.Nonce,
                    ["roles"] = next.Roles,
                },
                SigningCredentials = new SigningCredentials(next.Key, SecurityAlgorithms.RsaSha256),
            });
            var body = new JsonObject { ["id_token"] = LastIdToken, ["access_token"] = "opaque-access-token", ["token_type"] = "Bearer", ["expires_in"] = 600 };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        }
    }

    /// <summary>A trainer with an empty registry.</summary>
    private sealed class EmptyTrainer : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]", Encoding.UTF8, "application/json") });
    }
}
