using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

public class SecretsTests
{
    private static readonly string[] Secrets =
    [
        "sk-test-APIKEY-0123456789", "AUTHHEADERSECRET", "HEADERTOKENSECRET", "PASSWORDSECRET", "CONNSTRINGSECRET",
        "COOKIESECRET", "NESTEDSECRET", "ENDPOINTHOST", "ORGTOKENSECRET",
    ];

    private static Dictionary<string, JsonNode?> HostileConfig() => new()
    {
        ["temperature"] = 0.2,
        ["max_tokens"] = 64,
        ["api_key"] = "sk-test-APIKEY-0123456789",
        ["Authorization"] = "Bearer AUTHHEADERSECRET",
        ["headers"] = new JsonObject { ["Authorization"] = "Bearer HEADERTOKENSECRET", ["X-Api-Key"] = "HEADERTOKENSECRET" },
        ["default_headers"] = new JsonObject { ["x-custom"] = "HEADERTOKENSECRET" },
        ["password"] = "PASSWORDSECRET",
        ["connection_string"] = "Server=db;User Id=sa;Password=CONNSTRINGSECRET;",
        ["ConnectionStrings"] = new JsonObject { ["Default"] = "Host=x;Password=CONNSTRINGSECRET" },
        ["cookie"] = "session=COOKIESECRET",
        ["extra"] = new JsonObject { ["deeper"] = new JsonObject { ["client_secret"] = "NESTEDSECRET" } },
        ["base_url"] = "https://ENDPOINTHOST.example/v1",
        ["endpoint"] = "https://ENDPOINTHOST.example/",
        ["organization_token"] = "ORGTOKENSECRET",
    };

    [Fact]
    public void A_provider_with_key_header_password_and_connection_string_leaves_none_in_the_file()
    {
        var providers = new ProviderRegistry();
        var options = new ProviderOptions { ApiKey = "sk-test-APIKEY-0123456789" };
        foreach (var (k, v) in HostileConfig())
        {
            options.Config[k] = v?.DeepClone();
        }

        var module = new Predict("question -> answer")
        {
            Provider = providers.CreateProvider("mock", "mock-model", options),
            Adapter = AdapterFactory.Create("JSONAdapter", new JsonObject { ["api_key"] = "sk-test-APIKEY-0123456789", ["headers"] = new JsonObject { ["Authorization"] = "Bearer AUTHHEADERSECRET" } }),
        };
        foreach (var (k, v) in HostileConfig())
        {
            module.Config[k] = v?.DeepClone();
        }

        using var temp = CreateTempDirectory();
        var path = temp.File("m.json");
        module.Save(path);
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path));

        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }

        var doc = JsonNode.Parse(text)!;
        Assert.Equal("""{"temperature":0.2,"max_tokens":64}""", doc["provider_config"]!["config"]!.ToJsonString());
        // The module config keeps its non-credential structure; credential keys are gone at every depth.
        Assert.Equal("""{"temperature":0.2,"max_tokens":64,"extra":{"deeper":{}}}""", doc["config"]!.ToJsonString());
        Assert.Equal("mock", (string)doc["provider_config"]!["name"]!);
    }

    [Fact]
    public void A_directly_constructed_provider_config_is_filtered_too()
    {
        var provider = new Provider("openai", "gpt-4.1", new MockChatClient("x"), HostileConfig());
        var module = new Predict("a -> b") { Provider = provider };

        var text = ModuleSaver.SaveToString(module);

        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Endpoints_are_saved_only_when_asked_for()
    {
        var provider = new Provider("openai-compatible", "llama", new MockChatClient("x"), new Dictionary<string, JsonNode?> { ["endpoint"] = "http://localhost:8080/v1", ["temperature"] = 0.1 });
        var module = new Predict("a -> b") { Provider = provider };

        Assert.DoesNotContain("localhost", ModuleSaver.SaveToString(module), StringComparison.Ordinal);
        var withEndpoint = JsonNode.Parse(ModuleSaver.SaveToString(module, new SaveOptions { IncludeEndpoint = true }))!;
        Assert.Equal("http://localhost:8080/v1", (string)withEndpoint["provider_config"]!["config"]!["endpoint"]!);
    }

    [Fact]
    public void Credentials_in_a_file_are_never_passed_to_the_provider_factory()
    {
        ProviderOptions? seen = null;
        var providers = new ProviderRegistry(registerBuiltIns: false);
        providers.RegisterFactory("spy", (model, o) =>
        {
            seen = o;
            return new Provider("spy", model ?? "m", new MockChatClient("m"), o.Config.ToDictionary());
        });
        var doc = JsonNode.Parse(File.ReadAllText(Fixture("provider.json")))!.AsObject();
        doc["provider_config"]!["name"] = "spy";
        doc["provider_config"]!["config"] = new JsonObject(HostileConfig().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

        var result = ModuleLoader.LoadFromStringWithReport(doc.ToJsonString(), new LoadOptions { SetupProvider = true, Providers = providers });

        Assert.NotNull(seen);
        Assert.Null(seen.ApiKey);
        Assert.Null(seen.Endpoint);
        Assert.Equal(["temperature", "max_tokens"], seen.Config.Keys.Order(StringComparer.Ordinal).Reverse());
        Assert.Contains(result.Report.Warnings, w => w.Code == LoadDiagnostic.Ignored && w.JsonPath == "$.provider_config.config.headers");
        Assert.Contains(result.Report.Warnings, w => w.Code == LoadDiagnostic.Ignored && w.JsonPath == "$.provider_config.config.base_url");
        Assert.Same(providers.DefaultProvider, result.Module.Provider);
    }

    [Fact]
    public void An_endpoint_from_the_file_is_used_only_with_TrustEndpointFromFile()
    {
        Uri? endpoint = null;
        var providers = new ProviderRegistry(registerBuiltIns: false);
        providers.RegisterFactory("spy", (model, o) =>
        {
            endpoint = o.Endpoint;
            return new Provider("spy", model ?? "m", new MockChatClient("m"));
        });
        var doc = JsonNode.Parse(File.ReadAllText(Fixture("provider.json")))!.AsObject();
        doc["provider_config"]!["name"] = "spy";
        doc["provider_config"]!["config"] = new JsonObject { ["base_url"] = "https://models.example/v1" };
        var json = doc.ToJsonString();

        ModuleLoader.LoadFromString(json, new LoadOptions { SetupProvider = true, Providers = providers });
        Assert.Null(endpoint);

        ModuleLoader.LoadFromString(json, new LoadOptions { SetupProvider = true, Providers = providers, TrustEndpointFromFile = true });
        Assert.Equal(new Uri("https://models.example/v1"), endpoint);
    }
}
