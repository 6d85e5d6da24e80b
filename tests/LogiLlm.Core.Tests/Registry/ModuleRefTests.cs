using LogiLlm.Registry;

namespace LogiLlm.Core.Tests.Registry;

public class ModuleRefTests
{
    [Theory]
    [InlineData("email", "email", null, null)]
    [InlineData("email@3", "email", 3, null)]
    [InlineData("email@production", "email", null, "production")]
    [InlineData("email@latest", "email", null, "latest")]
    [InlineData("my.mod_v2-x@v2", "my.mod_v2-x", null, "v2")]
    public void Parse_accepts_name_version_and_alias(string text, string name, int? version, string? alias)
    {
        var r = ModuleRef.Parse(text);
        Assert.Equal(name, r.Name);
        Assert.Equal(version, r.Version);
        Assert.Equal(alias, r.Alias);
        Assert.Equal(text, r.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("@3")]
    [InlineData("a@")]
    [InlineData("a@0")]
    [InlineData("a@99999999999")]
    [InlineData("../etc@1")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("a@b@c")]
    [InlineData("a@x/y")]
    public void Parse_rejects_malformed_references(string text)
    {
        Assert.Throws<FormatException>(() => ModuleRef.Parse(text));
        Assert.False(ModuleRef.TryParse(text, out _));
    }

    [Fact]
    public void A_bare_name_resolves_through_latest()
    {
        Assert.Equal("latest", ModuleRef.Parse("email").EffectiveAlias);
        Assert.Equal("prod", ModuleRef.Parse("email@prod").EffectiveAlias);
    }
}
