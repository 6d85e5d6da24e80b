using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Credentials in free-form maps (metadata, demo metadata, field metadata) never reach a saved file.</summary>
public class HostileSecretsTests
{
    [Theory]
    [InlineData("pass")]
    [InlineData("db_pass")]
    [InlineData("userPw")]
    [InlineData("pw")]
    [InlineData("sig")]
    [InlineData("sas_url")]
    [InlineData("SharedAccessSignature")]
    [InlineData("ｐａｓｓｗｏｒｄ")]
    [InlineData("ＡＰＩ＿ＫＥＹ")]
    [InlineData("client_secret")]
    [InlineData("Authorization")]
    public void Keys_that_name_a_credential_are_recognised_in_any_spelling(string key) =>
        Assert.True(SecretFilter.IsCredentialKey(key), key);

    [Theory]
    [InlineData("author")]
    [InlineData("max_tokens")]
    [InlineData("passage")]
    [InlineData("compass")]
    [InlineData("signature_version")]
    [InlineData("design")]
    [InlineData("training_dataset_size")]
    public void Ordinary_keys_are_kept(string key) =>
        Assert.False(SecretFilter.IsCredentialKey(key), key);

    [Theory]
    [InlineData("AIzaSyD-1234567890abcdefghijklmnopqrstu")]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [InlineData("https://acct.blob.core.windows.net/c/b.json?sv=2022-11-02&se=2030-01-01&sig=abcDEF123%3D")]
    [InlineData("hf_abcdefghijklmnopqrstuvwxyz123456")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnop")]
    [InlineData("glpat-abcdefghijklmnopqrst")]
    [InlineData("my key is sk-live-0123456789abcdef, keep it")]
    [InlineData("Authorization: Bearer abcdefgh12345678")]
    [InlineData("-----BEGIN RSA PRIVATE KEY-----\nMIIE...")]
    public void Values_shaped_like_a_credential_are_recognised_wherever_they_stand(string value) =>
        Assert.True(SecretFilter.LooksLikeCredentialValue(value), value);

    [Theory]
    [InlineData("production")]
    [InlineData("https://example.com/docs?page=2")]
    [InlineData("Classify customer emails by category")]
    [InlineData("ask-me-anything")]
    public void Ordinary_values_are_kept(string value) =>
        Assert.False(SecretFilter.LooksLikeCredentialValue(value), value);

    [Fact]
    public void Saving_scrubs_module_demo_signature_and_field_metadata_and_keeps_the_rest()
    {
        var module = new Predict("email: str -> category: str");
        module.Metadata["api_key"] = "sk-live-0123456789abcdef";
        module.Metadata["optimization"] = new JsonObject
        {
            ["teacher"] = new JsonObject { ["headers"] = new JsonObject { ["Authorization"] = "Bearer abcdefgh12345678" }, ["model"] = "gpt-4o" },
            ["score"] = 0.9,
        };
        module.Metadata["ｐａｓｓｗｏｒｄ"] = "hunter2hunter2";
        module.Metadata["notes"] = new JsonArray("AKIAIOSFODNN7EXAMPLE", "kept note");
        module.Metadata["training_dataset_size"] = 100;
        module.Signature!.Metadata["sas_url"] = "https://a.blob.core.windows.net/c?sv=1&sig=x";
        module.Signature.InputFields[0].Metadata["token"] = "t0ps3cr3t";
        var demo = Demo.Create(new { email = "a" }, new { category = "b" });
        demo.Metadata["pw"] = "p";
        demo.Metadata["origin"] = "hf_abcdefghijklmnopqrstuvwxyz123456";
        demo.Metadata["source_row"] = 7;
        module.DemoManager.Add(demo);

        var saved = ModuleSaver.SaveToString(module);

        foreach (var secret in new[] { "sk-live", "Bearer", "hunter2", "AKIAIOSFODNN7EXAMPLE", "sig=x", "t0ps3cr3t", "hf_abc", "\"pw\"" })
        {
            Assert.DoesNotContain(secret, saved);
        }

        var loaded = ModuleLoader.LoadFromString(saved);
        Assert.Equal(100, (int)loaded.Metadata["training_dataset_size"]!);
        Assert.Equal("gpt-4o", (string?)loaded.Metadata["optimization"]!["teacher"]!["model"]);
        Assert.Equal(0.9, (double)loaded.Metadata["optimization"]!["score"]!);
        Assert.Equal(["kept note"], loaded.Metadata["notes"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(7, (int)loaded.DemoManager.Demos[0].Metadata["source_row"]!);
    }
}
