using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

public class VersionSemanticsTests
{
    private static JsonObject Saved() => ModuleSaver.CreateDocument(new Predict("question -> answer"));

    private static string Bump(string version, int part)
    {
        var numbers = version.Split('-', '+')[0].Split('.').Select(int.Parse).ToArray();
        numbers[part]++;
        return string.Join('.', numbers);
    }

    [Fact]
    public void We_write_our_own_library_version_not_Python_LogiLLM_constant()
    {
        var doc = Saved();

        Assert.Equal(LibraryVersion.Current, (string)doc["logillm_version"]!);
        Assert.NotEqual(LibraryVersion.PythonLogiLlm, LibraryVersion.Current);
        Assert.Equal(typeof(LibraryVersion).Assembly.GetName().Version!.ToString(3), LibraryVersion.Current.Split('-')[0]);
        Assert.Equal(ModuleFileFormat.CurrentVersion, (int)doc["format_version"]!);
    }

    [Fact]
    public void A_Python_file_is_reported_as_written_by_another_version()
    {
        var result = ModuleLoader.LoadWithReport(Fixture("basic.json"), Isolated());

        Assert.Equal(LibraryVersion.PythonLogiLlm, result.Report.SavedLibraryVersion);
        Assert.True(result.Report.VersionMismatch);
    }

    [Fact]
    public void SameMinor_accepts_another_patch_version_without_a_warning()
    {
        var doc = Saved();
        doc["logillm_version"] = Bump(LibraryVersion.Current, 2);
        doc["integrity"] = IntegrityDigest.CreateBlock(doc);

        var result = ModuleLoader.LoadFromStringWithReport(doc.ToJsonString(), Isolated(new LoadOptions { StrictVersion = true, VersionCompatibility = VersionCompatibility.SameMinor }));

        Assert.False(result.Report.VersionMismatch);
    }

    [Fact]
    public void SameMinor_under_StrictVersion_refuses_another_minor_version()
    {
        var doc = Saved();
        var other = Bump(LibraryVersion.Current, 1);
        doc["logillm_version"] = other;
        doc["integrity"] = IntegrityDigest.CreateBlock(doc);

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(doc.ToJsonString(), new LoadOptions { StrictVersion = true, VersionCompatibility = VersionCompatibility.SameMinor }));

        Assert.StartsWith("Version mismatch", e.Message, StringComparison.Ordinal);
        Assert.Contains(other, e.Message, StringComparison.Ordinal);
        Assert.Equal("$.logillm_version", e.JsonPath);
    }

    [Fact]
    public void Exact_is_the_default_and_warns_about_another_patch_version()
    {
        var doc = Saved();
        doc["logillm_version"] = Bump(LibraryVersion.Current, 2);
        doc["integrity"] = IntegrityDigest.CreateBlock(doc);

        Assert.True(ModuleLoader.LoadFromStringWithReport(doc.ToJsonString(), Isolated()).Report.VersionMismatch);
        Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(doc.ToJsonString(), new LoadOptions { StrictVersion = true }));
    }

    [Fact]
    public void Under_StrictVersion_a_file_of_another_version_fails_for_its_version_before_its_digest()
    {
        var doc = Saved();
        doc["logillm_version"] = "0.0.9"; // the digest no longer matches either

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(doc.ToJsonString(), new LoadOptions { StrictVersion = true }));

        Assert.StartsWith("Version mismatch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newer_format_fails_for_its_format_before_its_digest()
    {
        var doc = Saved();
        doc["format_version"] = ModuleFileFormat.CurrentVersion + 1;

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(doc.ToJsonString()));

        Assert.StartsWith("Unsupported format_version", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.4.0", "1.4.7", true)]
    [InlineData("1.4.0", "1.4.0-beta.2", true)]
    [InlineData("1.4.0", "1.5.0", false)]
    [InlineData("1.4.0", "2.4.0", false)]
    [InlineData("1.4.0", "garbage", false)]
    [InlineData("1.4.0", null, false)]
    public void SameMinor_compares_major_and_minor_only(string current, string? saved, bool expected)
    {
        Assert.Equal(expected, LibraryVersion.MatchesFor(current, saved, VersionCompatibility.SameMinor));
        Assert.Equal(current == saved, LibraryVersion.MatchesFor(current, saved, VersionCompatibility.Exact));
    }
}
