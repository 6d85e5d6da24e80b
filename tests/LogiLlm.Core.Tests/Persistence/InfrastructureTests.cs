using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Persistence;

namespace LogiLlm.Core.Tests.Persistence;

public sealed class InfrastructureTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "logillm-infra-" + Guid.NewGuid().ToString("N"));

    public InfrastructureTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Digest_ignores_key_order_whitespace_timestamp_and_the_integrity_block()
    {
        var a = JsonNode.Parse("""{"b": [1, {"y": 2, "x": "é"}], "a": null, "save_timestamp": "t1"}""")!.AsObject();
        var b = JsonNode.Parse("""{"a":null,"save_timestamp":"t2","b":[1,{"x":"\u00e9","y":2}],"integrity":{"digest":"00"}}""")!.AsObject();
        Assert.Equal(IntegrityDigest.Compute(a), IntegrityDigest.Compute(b));
    }

    [Fact]
    public void Digest_over_parsed_elements_equals_digest_over_nodes()
    {
        var built = new JsonObject
        {
            ["z"] = "é <tag> \"q\" \n \t \u0001 🙂 \\",
            ["a"] = new JsonArray(1, 2.5, -0.0001, 1e20, true, null, new JsonObject { ["y"] = 1, ["b"] = "x" }),
            ["m"] = long.MaxValue,
        };
        var text = built.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Default });
        using var document = System.Text.Json.JsonDocument.Parse(text);

        Assert.Equal(IntegrityDigest.Compute(built), IntegrityDigest.Compute(document.RootElement));
        Assert.Equal(IntegrityDigest.Compute(built), IntegrityDigest.Compute(JsonNode.Parse(text)!.AsObject()));
    }

    [Fact]
    public void Digest_of_a_large_document_matches_a_plain_reference_hash_of_the_canonical_bytes()
    {
        var doc = new JsonObject { ["save_timestamp"] = "ignored", ["b"] = 1 };
        var demos = new JsonArray();
        for (var i = 0; i < 2000; i++)
        {
            demos.Add(new JsonObject { ["outputs"] = new JsonObject { ["y"] = $"value {i} é" }, ["inputs"] = new JsonObject { ["x"] = new string('x', 50) } });
        }

        doc["a"] = demos;
        var reference = Reference(doc);

        Assert.Equal(reference, IntegrityDigest.Compute(doc));
        using var parsed = System.Text.Json.JsonDocument.Parse(doc.ToJsonString());
        Assert.Equal(reference, IntegrityDigest.Compute(parsed.RootElement));

        demos[^1]!["outputs"]!["y"] = "changed";
        Assert.NotEqual(reference, IntegrityDigest.Compute(doc));

        static string Reference(JsonObject document)
        {
            var copy = (JsonObject)document.DeepClone();
            copy.Remove("save_timestamp");
            var options = new System.Text.Json.JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            using var stream = new MemoryStream();
            using (var writer = new System.Text.Json.Utf8JsonWriter(stream, options))
            {
                Sort(copy)!.WriteTo(writer);
            }

            return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream.ToArray()));
        }

        static JsonNode? Sort(JsonNode? node) => node switch
        {
            JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
            JsonArray a => new JsonArray(a.Select(Sort).ToArray()),
            _ => node?.DeepClone(),
        };
    }

    [Fact]
    public void Digest_changes_when_any_value_changes()
    {
        var a = JsonNode.Parse("""{"config": {"temperature": 0.3}}""")!.AsObject();
        var b = JsonNode.Parse("""{"config": {"temperature": 0.4}}""")!.AsObject();
        var c = JsonNode.Parse("""{"config": {"temperature": [0.3]}}""")!.AsObject();
        Assert.NotEqual(IntegrityDigest.Compute(a), IntegrityDigest.Compute(b));
        Assert.NotEqual(IntegrityDigest.Compute(a), IntegrityDigest.Compute(c));
    }

    [Fact]
    public void Migration_from_format_0_adds_format_version_and_type_expressions()
    {
        var doc = JsonNode.Parse("""
            {"signature": {"input_fields": {"tags": {"field_type": "input", "python_type": "list"}},
                           "output_fields": {"c": {"field_type": "output", "python_type": "str", "type": "Literal['a']"}}}}
            """)!.AsObject();

        var from = FormatMigrations.MigrateToCurrent(doc);

        Assert.Equal(0, from);
        Assert.Equal(ModuleFileFormat.CurrentVersion, (int)doc["format_version"]!);
        Assert.Equal("list", (string)doc["signature"]!["input_fields"]!["tags"]!["type"]!);
        Assert.Equal("Literal['a']", (string)doc["signature"]!["output_fields"]!["c"]!["type"]!);
    }

    [Fact]
    public void Migration_tolerates_wrong_shapes_and_leaves_them_for_the_reader()
    {
        var doc = JsonNode.Parse("""{"signature": {"input_fields": [1, 2], "output_fields": {"x": 3}}}""")!.AsObject();
        Assert.Equal(0, FormatMigrations.MigrateToCurrent(doc));
    }

    [Fact]
    public void Migration_refuses_a_newer_format_and_malformed_versions()
    {
        var future = JsonNode.Parse("""{"format_version": 99}""")!.AsObject();
        var e = Assert.Throws<PersistenceException>(() => FormatMigrations.MigrateToCurrent(future));
        Assert.Equal("$.format_version", e.JsonPath);
        Assert.Contains("99", e.Message, StringComparison.Ordinal);

        var text = JsonNode.Parse("""{"format_version": "1"}""")!.AsObject();
        Assert.Equal("$.format_version", Assert.Throws<PersistenceException>(() => FormatMigrations.MigrateToCurrent(text)).JsonPath);
        var negative = JsonNode.Parse("""{"format_version": -1}""")!.AsObject();
        Assert.Throws<PersistenceException>(() => FormatMigrations.MigrateToCurrent(negative));
    }

    [Fact]
    public void Every_migration_step_is_numbered_in_order()
    {
        Assert.Equal(ModuleFileFormat.CurrentVersion, FormatMigrations.All.Select(m => m.ToVersion).Max());
        for (var i = 0; i < FormatMigrations.All.Count; i++)
        {
            Assert.Equal(i, FormatMigrations.All[i].FromVersion);
        }
    }

    [Theory]
    [InlineData("api_key")]
    [InlineData("apiKey")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("key")]
    [InlineData("token")]
    [InlineData("access_token")]
    [InlineData("client_secret")]
    [InlineData("password")]
    [InlineData("db_passwd")]
    [InlineData("Authorization")]
    [InlineData("headers")]
    [InlineData("default_headers")]
    [InlineData("Cookie")]
    [InlineData("connection_string")]
    [InlineData("ConnectionString")]
    [InlineData("credentials")]
    [InlineData("x-api-key")]
    public void Credential_keys_are_recognised(string key) => Assert.True(SecretFilter.IsCredentialKey(key));

    [Theory]
    [InlineData("temperature")]
    [InlineData("max_tokens")]
    [InlineData("max_completion_tokens")]
    [InlineData("top_p")]
    [InlineData("stop")]
    [InlineData("author")]
    [InlineData("seed")]
    public void Model_parameters_are_not_credentials(string key) => Assert.False(SecretFilter.IsCredentialKey(key));

    [Fact]
    public void Provider_config_keeps_only_allowlisted_model_parameters()
    {
        var config = new Dictionary<string, JsonNode?>
        {
            ["temperature"] = 0.2,
            ["max_tokens"] = 64,
            ["stop"] = new JsonArray("\n"),
            ["api_key"] = "sk-secret",
            ["endpoint"] = "https://example.invalid/v1",
            ["headers"] = new JsonObject { ["Authorization"] = "Bearer abc" },
            ["custom_thing"] = "x",
            ["response_format"] = new JsonObject { ["type"] = "json_object", ["api_key"] = "nested" },
        };

        var safe = SecretFilter.FilterProviderConfig(config, includeEndpoint: false);
        Assert.Equal(["temperature", "max_tokens", "stop"], safe.Select(p => p.Key));

        var withEndpoint = SecretFilter.FilterProviderConfig(config, includeEndpoint: true);
        Assert.True(withEndpoint.ContainsKey("endpoint"));
        Assert.False(withEndpoint.ContainsKey("headers"));
    }

    [Fact]
    public void Scrub_removes_nested_credentials_and_credential_looking_values()
    {
        var config = JsonNode.Parse("""
            {"temperature": 0.1, "nested": {"password": "p", "ok": 1, "list": ["Bearer xyz", "fine"]},
             "dsn": "x", "note": "Server=db;User Id=sa;Password=hunter2;", "base_url": "https://x"}
            """)!.AsObject();
        var dropped = new List<string>();

        var scrubbed = SecretFilter.ScrubConfig(config, includeEndpoint: false, dropped);

        Assert.Equal("""{"temperature":0.1,"nested":{"ok":1,"list":["fine"]}}""", scrubbed.ToJsonString());
        Assert.Contains("nested.password", dropped);
        Assert.Contains("note", dropped);
        Assert.Contains("base_url", dropped);
    }

    [Fact]
    public void Atomic_writer_replaces_content_and_leaves_no_temp_files()
    {
        var path = Path.Combine(_dir, "sub", "m.json");
        AtomicFileWriter.WriteAllBytes(path, "one"u8);
        AtomicFileWriter.WriteAllBytes(path, "two"u8);

        Assert.Equal("two", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Atomic_writer_removes_temp_files_orphaned_long_ago_but_not_fresh_ones()
    {
        var path = Path.Combine(_dir, "m.json");
        var old = Path.Combine(_dir, ".m.json.1.abc.tmp");
        var fresh = Path.Combine(_dir, ".m.json.2.def.tmp");
        var other = Path.Combine(_dir, ".other.json.1.abc.tmp");
        foreach (var f in new[] { old, fresh, other })
        {
            File.WriteAllText(f, "partial");
        }

        File.SetLastWriteTimeUtc(old, DateTime.UtcNow - AtomicFileWriter.StaleAfter - TimeSpan.FromMinutes(1));
        File.SetLastWriteTimeUtc(other, DateTime.UtcNow - TimeSpan.FromDays(1));

        AtomicFileWriter.WriteAllBytes(path, "x"u8);

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(fresh));
        Assert.True(File.Exists(other));
    }

    [Fact]
    public void Atomic_create_new_never_replaces_an_existing_file()
    {
        var path = Path.Combine(_dir, "v1.json");
        Assert.True(AtomicFileWriter.TryCreateNew(path, "first"u8));
        Assert.False(AtomicFileWriter.TryCreateNew(path, "second"u8));
        Assert.Equal("first", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void Reader_refuses_oversized_files_before_parsing()
    {
        var path = Path.Combine(_dir, "big.json");
        File.WriteAllBytes(path, Encoding.UTF8.GetBytes(new string(' ', 2048) + "{}"));
        var e = Assert.Throws<PersistenceException>(() => DocumentReader.ReadFile(path, maxBytes: 1024));
        Assert.Equal(path, e.FilePath);
        Assert.Contains("too large", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reader_limits_a_non_seekable_stream_while_reading()
    {
        using var stream = new NonSeekable(new MemoryStream(new byte[4096]));
        Assert.Throws<PersistenceException>(() => DocumentReader.ReadLimited(stream, 1000, null));
    }

    [Theory]
    [InlineData("""{"a": 1, "a": 2}""")]
    [InlineData("""{"a": 1,}""")]
    [InlineData("""{"a": 1} // c""")]
    [InlineData("[1, 2]")]
    [InlineData("")]
    [InlineData("\"just a string\"")]
    public void Reader_rejects_non_object_or_non_strict_json(string text)
    {
        var reader = new DocumentReader("x.json");
        var e = Assert.Throws<PersistenceException>(() => reader.ParseRoot(Encoding.UTF8.GetBytes(text), 1 << 20, 64));
        Assert.Equal("x.json", e.FilePath);
        Assert.NotNull(e.JsonPath);
    }

    [Fact]
    public void Json_paths_quote_unusual_property_names()
    {
        Assert.Equal("$.demo_manager.demos[2].score", JsonPaths.Property(JsonPaths.Index(JsonPaths.Property(JsonPaths.Property("$", "demo_manager"), "demos"), 2), "score"));
        Assert.Equal("$['a b']['it\\'s']", JsonPaths.Property(JsonPaths.Property("$", "a b"), "it's"));
    }

    private sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
