using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Formats, compression and password encryption: every file we save opens through the same <c>ModuleLoader.LoadModule(path)</c>.</summary>
public class FileFormsTests
{
    private const string Password = "correct horse battery staple";
    private const string Marker = "UNIQUE-PLAINTEXT-MARKER-7f3a";
    private const int FastIterations = 10_000; // the minimum: keeps the matrix fast; the default is 600,000
    private static readonly ModuleSigningKey Key = ModuleSigningKey.FromSecret(RandomNumberGenerator.GetBytes(32), "ci-key");

    private static Predict Module()
    {
        var module = new Predict(LogiLlm.Signatures.Signature.Parse("email: str, tags: list[str] -> category: Literal['refund', 'other'], confidence: float", "Classify. " + Marker));
        module.Config["temperature"] = 0.25;
        module.Config["max_tokens"] = 150;
        module.Metadata["lineage"] = new JsonObject { ["note"] = "yes: no # not a comment", ["n"] = 1e-5, ["flag"] = true, ["none"] = null };
        for (var i = 0; i < 20; i++)
        {
            module.DemoManager.Add(Demo.Create(new { email = $"message {i}: 'quoted' \"double\" - dash\nnew line {Marker}", tags = new[] { "true", "null", "1.5", "" } }, new { category = i % 2 == 0 ? "refund" : "other", confidence = i / 20.0 }, score: 0.5 + (i / 40.0)));
        }

        return module;
    }

    public static TheoryData<SerializationFormat, ModuleCompression, bool, bool> Matrix()
    {
        var data = new TheoryData<SerializationFormat, ModuleCompression, bool, bool>();
        foreach (var format in Enum.GetValues<SerializationFormat>())
        {
            foreach (var compression in Enum.GetValues<ModuleCompression>())
            {
                foreach (var encrypted in new[] { false, true })
                {
                    foreach (var signed in new[] { false, true })
                    {
                        data.Add(format, compression, encrypted, signed);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Every_form_we_save_loads_through_the_same_LoadModule_path(SerializationFormat format, ModuleCompression compression, bool encrypted, bool signed)
    {
        using var temp = CreateTempDirectory();
        var path = temp.File("module.bin");
        var original = Module();
        original.Save(path, new SaveOptions
        {
            Format = format,
            Compression = compression,
            Password = encrypted ? Password : null,
            PasswordIterations = FastIterations,
            SigningKey = signed ? Key : null,
        });

        var loaded = ModuleLoader.LoadModule(path, new LoadOptions
        {
            Password = encrypted ? Password : null,
            TrustedSigningKeys = signed ? [Key] : null,
            RequireSignature = signed,
            RequireDigest = true,
            Providers = new LogiLlm.Providers.ProviderRegistry(),
        });

        var report = loaded.LoadReport!;
        Assert.Equal(format, report.Format);
        Assert.Equal(compression, report.Compression);
        Assert.Equal(encrypted, report.Encrypted);
        Assert.Equal(signed ? SignatureStatus.Verified : SignatureStatus.Absent, report.Signature);
        Assert.Equal(DigestStatus.Verified, report.Digest);
        Assert.Equal(StableDocument(ModuleSaver.SaveToString(original, new SaveOptions { IncludeIntegrity = false })).ToJsonString(),
            StableDocument(ModuleSaver.SaveToString(loaded, new SaveOptions { IncludeIntegrity = false })).ToJsonString());
        var bytes = File.ReadAllBytes(path);
        var plaintextVisible = Encoding.UTF8.GetString(bytes).Contains(Marker, StringComparison.Ordinal);
        Assert.Equal(!encrypted && compression == ModuleCompression.None, plaintextVisible);
    }

    [Fact]
    public void A_wrong_password_is_refused_saying_so()
    {
        var bytes = ModuleSaver.SaveToBytes(Module(), new SaveOptions { Password = Password, PasswordIterations = FastIterations });

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromBytes(bytes, new LoadOptions { Password = "wrong" }));

        Assert.StartsWith("Wrong password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_encrypted_file_without_a_password_is_refused_saying_a_password_is_needed()
    {
        using var temp = CreateTempDirectory();
        var path = temp.File("secret.llm");
        Module().Save(path, new SaveOptions { Password = Password, PasswordIterations = FastIterations });

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadModule(path));

        Assert.Contains("encrypted with a password", e.Message, StringComparison.Ordinal);
        Assert.Contains("LoadOptions.Password", e.Message, StringComparison.Ordinal);
        Assert.Equal(path, e.FilePath);
    }

    [Fact]
    public void An_encrypted_file_with_a_changed_header_is_refused()
    {
        var bytes = ModuleSaver.SaveToBytes(Module(), new SaveOptions { Password = Password, PasswordIterations = FastIterations, Compression = ModuleCompression.Gzip });
        var text = Encoding.Latin1.GetString(bytes);
        var tampered = Encoding.Latin1.GetBytes(text.Replace("\"gzip\"", "\"none\"", StringComparison.Ordinal));

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromBytes(tampered, new LoadOptions { Password = Password }));

        Assert.StartsWith("Wrong password, or the encrypted file was modified", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Encryption_uses_a_fresh_salt_and_nonce_every_save()
    {
        var options = new SaveOptions { Password = Password, PasswordIterations = FastIterations };
        var a = ModuleSaver.SaveToBytes(Module(), options);
        var b = ModuleSaver.SaveToBytes(Module(), options);

        Assert.NotEqual(a[..200], b[..200]);
        Assert.Equal(600_000, SaveOptions.DefaultPasswordIterations);
    }

    [Fact]
    public void Gzip_files_are_standard_gzip_streams()
    {
        var bytes = ModuleSaver.SaveToBytes(Module(), new SaveOptions { Compression = ModuleCompression.Gzip });

        using var gzip = new System.IO.Compression.GZipStream(new MemoryStream(bytes), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        Assert.Equal("Predict", (string)JsonNode.Parse(reader.ReadToEnd())!["module_type"]!);
    }

    [Fact]
    public void A_small_compressed_file_that_expands_past_the_size_limit_is_refused()
    {
        var module = Module();
        module.Metadata["padding"] = new string('x', 200_000);
        var bytes = ModuleSaver.SaveToBytes(module, new SaveOptions { Compression = ModuleCompression.Brotli });

        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromBytes(bytes, new LoadOptions { MaxBytes = 100_000 }));

        Assert.True(bytes.Length < 100_000);
        Assert.StartsWith("Decompressed content is too large", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_holds_the_same_document_with_quoted_strings()
    {
        var yaml = ModuleSaver.SaveToString(Module(), new SaveOptions { Format = SerializationFormat.Yaml });

        Assert.StartsWith("# LogiLlm module", yaml, StringComparison.Ordinal);
        Assert.Contains("module_type: \"Predict\"", yaml, StringComparison.Ordinal);
        Assert.Contains("temperature: 0.25", yaml, StringComparison.Ordinal);
        var loaded = ModuleLoader.LoadFromStringWithReport(yaml, Isolated(new LoadOptions()));
        Assert.Equal(SerializationFormat.Yaml, loaded.Report.Format);
        Assert.Equal(DigestStatus.Verified, loaded.Report.Digest);
        var tags = loaded.Module.DemoManager.Demos[0].Inputs["tags"]!.AsArray().Select(t => t!.GetValue<string>());
        Assert.Equal(["true", "null", "1.5", ""], tags);
    }

    [Theory]
    [InlineData("a: &x [1]\nb: *x\n", "anchors and aliases")]
    [InlineData("a: !!binary aGk=\n", "tags")]
    [InlineData("module_type: \"Predict\"\n---\nmodule_type: \"Predict\"\n", "one document")]
    public void Hostile_yaml_is_refused(string yaml, string expected)
    {
        var e = Assert.Throws<PersistenceException>(() => ModuleLoader.LoadFromString(yaml));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compressed_or_encrypted_output_is_not_offered_as_a_string()
    {
        Assert.Throws<PersistenceException>(() => ModuleSaver.SaveToString(Module(), new SaveOptions { Compression = ModuleCompression.Gzip }));
    }
}
