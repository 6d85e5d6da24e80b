extern alias studio;

using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using studio::LogiLlm.Studio.Clients;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace LogiLlm.Studio.Tests;

/// <summary>Who may open the Studio, over a trainer stand-in that records what the Studio sends it.</summary>
public sealed partial class StudioAccessTests : IDisposable
{
    private const string AdminKey = "studio-test-admin-key-5b1e";
    private readonly List<WebApplicationFactory<studio::Program>> _factories = [];
    private readonly ConcurrentQueue<HttpRequestMessage> _trainerRequests = new();

    [Fact]
    public async Task Without_an_admin_key_the_studio_is_open_and_sends_no_key()
    {
        using var client = Studio(adminKey: null).CreateClient();

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Modules</h1>", await response.Content.ReadAsStringAsync());
        Assert.All(_trainerRequests, r => Assert.False(r.Headers.Contains("X-Api-Key")));
        Assert.NotEmpty(_trainerRequests);
    }

    [Fact]
    public async Task With_an_admin_key_a_browser_without_a_cookie_is_sent_to_sign_in()
    {
        using var client = Studio(AdminKey).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/modules/some-module");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=%2Fmodules%2Fsome-module", response.Headers.Location.Query);
        Assert.Empty(_trainerRequests);
    }

    [Fact]
    public async Task The_admin_key_as_a_bearer_token_opens_the_pages_and_is_forwarded_to_the_trainer()
    {
        using var client = Studio(AdminKey).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty(_trainerRequests);
        Assert.All(_trainerRequests, r => Assert.Equal([AdminKey], r.Headers.GetValues("X-Api-Key")));
    }

    [Fact]
    public async Task Every_admin_key_of_a_rotation_opens_the_pages_and_the_first_is_forwarded()
    {
        using var client = Studio($"{AdminKey}, next-admin-key-9c2d").CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "next-admin-key-9c2d");

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(_trainerRequests, r => Assert.Equal([AdminKey], r.Headers.GetValues("X-Api-Key")));
    }

    [Theory]
    [InlineData("Bearer", "not-the-admin-key")]
    [InlineData("Bearer", "")]
    [InlineData("X-Api-Key", "not-the-admin-key")]
    public async Task A_wrong_key_is_refused_with_401_and_nothing_reaches_the_trainer(string header, string key)
    {
        using var client = Studio(AdminKey).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (header == "Bearer")
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {key}");
        }
        else
        {
            client.DefaultRequestHeaders.Add(header, key);
        }

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_trainerRequests);
    }

    [Fact]
    public async Task Signing_in_with_the_admin_key_sets_a_cookie_that_opens_the_pages_and_a_wrong_key_does_not()
    {
        using var client = Studio(AdminKey).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using (var wrong = await PostSignInAsync(client, "a-guess"))
        {
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("That is not the admin key.", await wrong.Content.ReadAsStringAsync());
        }

        using (var blocked = await client.GetAsync("/"))
        {
            Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
        }

        using (var signedIn = await PostSignInAsync(client, AdminKey, returnUrl: "/train"))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.Equal("/train", PathOf(signedIn.Headers.Location!));
            var cookie = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("logillm-studio=", StringComparison.Ordinal));
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(AdminKey, cookie, StringComparison.Ordinal);
        }

        using var open = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task Sign_in_only_returns_to_a_local_page()
    {
        using var client = Studio(AdminKey).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        using var response = await PostSignInAsync(client, AdminKey, returnUrl: "//evil.example/steal");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", PathOf(response.Headers.Location!));
        Assert.True(!response.Headers.Location!.IsAbsoluteUri || response.Headers.Location.Host == "localhost");
    }

    [Fact]
    public async Task Health_and_the_stylesheet_need_no_key()
    {
        using var client = Studio(AdminKey).CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var health = await client.GetAsync("/health");
        using var css = await client.GetAsync("/app.css");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string key, string? returnUrl = null)
    {
        var path = returnUrl is null ? "/signin" : $"/signin?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
        var form = await client.GetStringAsync(path);
        var token = AntiforgeryToken().Match(form);
        Assert.True(token.Success, "the sign-in form has an antiforgery token");
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "signin",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Key"] = key,
        });
        return await client.PostAsync(path, content);
    }

    private static string PathOf(Uri location) => location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    private WebApplicationFactory<studio::Program> Studio(string? adminKey)
    {
        var factory = new WebApplicationFactory<studio::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Auth:ApiKeys:Admin", adminKey ?? string.Empty);
            web.UseSetting("Studio:TrainerUrl", "http://trainer.test");
            web.UseSetting("Studio:InferenceUrl", "http://inference.test");
            web.ConfigureTestServices(services =>
                services.AddHttpClient<TrainerClient>().ConfigurePrimaryHttpMessageHandler(() => new RecordingTrainer(_trainerRequests)));
        });
        _factories.Add(factory);
        return factory;
    }

    public void Dispose()
    {
        foreach (var factory in _factories)
        {
            factory.Dispose();
        }
    }

    /// <summary>A trainer with an empty registry that keeps every request it gets.</summary>
    private sealed class RecordingTrainer(ConcurrentQueue<HttpRequestMessage> requests) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            requests.Enqueue(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("[]", Encoding.UTF8, "application/json") });
        }
    }
}
