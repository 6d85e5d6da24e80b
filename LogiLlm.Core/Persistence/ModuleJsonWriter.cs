using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// Writes a module's JSON document straight from the module with <see cref="Utf8JsonWriter"/>, without building the node tree
/// <see cref="ModuleSaver.CreateDocument(Module, SaveOptions?)"/> returns: the same bytes, in two passes over the module. The
/// first writes the canonical form (<see cref="CanonicalJson"/>'s rule: keys sorted by ordinal, no white space) into the
/// integrity hash as it is flushed; the second writes the file in LogiLLM's key order with the integrity block and seal.
/// The small parts (signature, configs, metadata, custom state) are built once as nodes and serve both passes; demos, most of
/// a file, are written from the demo objects themselves. Anything unusual (a number with no JSON form, a cycle, a failing
/// <c>SaveState</c>) makes <see cref="ModuleSaver"/> fall back to the node tree, whose checks name the JSON path.
/// </summary>
/// <remarks>
/// Longer than most files: every object of the format is written here for both passes, its keys in the file's order and in
/// canonical order side by side (the canonical order sorted from the file's list, never written out by hand), so that the
/// two forms cannot drift apart; <c>DirectWriterTests</c> pins the bytes to the node tree's.
/// </remarks>
internal static class ModuleJsonWriter
{
    private static readonly string[] HeaderKeys = [K.LogiLlmVersion, K.FormatVersion, K.SaveTimestamp];
    private static readonly string[] ModuleKeys =
        [K.ModuleType, K.ModuleClass, K.Signature, K.Config, K.Metadata, K.State, K.DemoManager, K.CustomState, K.ProviderConfig, K.AdapterConfig, K.Modules];

    private static readonly string[] RootFileOrder = [.. HeaderKeys, .. ModuleKeys];
    private static readonly string[] RootCanonicalOrder = CanonicalJson.SortKeys(RootFileOrder.Except(IntegrityDigest.Unsigned));
    private static readonly string[] ModuleCanonicalOrder = CanonicalJson.SortKeys(ModuleKeys);
    private static readonly string[] ManagerFileOrder = [K.Demos, K.TeacherDemos, K.MaxDemos, K.SelectionStrategy, K.Seed];
    private static readonly string[] ManagerCanonicalOrder = CanonicalJson.SortKeys(ManagerFileOrder);
    private static readonly string[] DemoFileOrder = [K.Inputs, K.Outputs, K.Score, K.Source, K.Metadata, K.Timestamp];
    private static readonly string[] DemoCanonicalOrder = CanonicalJson.SortKeys(DemoFileOrder);

    private static readonly JsonEncodedText Inputs = JsonEncodedText.Encode(K.Inputs);
    private static readonly JsonEncodedText Outputs = JsonEncodedText.Encode(K.Outputs);
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode(K.Score);
    private static readonly JsonEncodedText Source = JsonEncodedText.Encode(K.Source);
    private static readonly JsonEncodedText Metadata = JsonEncodedText.Encode(K.Metadata);
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode(K.Timestamp);

    /// <summary>
    /// What one module contributes, read once for both passes: user code such as SaveState runs once, and a module changed
    /// by another thread during the save cannot give the digest pass and the file pass different content.
    /// </summary>
    internal sealed class Part
    {
        public required string ModuleType { get; init; }

        public required string ModuleClass { get; init; }

        public required string State { get; init; }

        public required Demo[] Demos { get; init; }

        public required Demo[] TeacherDemos { get; init; }

        public required int MaxDemos { get; init; }

        public required string SelectionStrategy { get; init; }

        public required int? Seed { get; init; }

        public required JsonObject? Signature { get; init; }

        public required JsonObject Config { get; init; }

        public required JsonObject Metadata { get; init; }

        public required JsonObject? Custom { get; init; }

        public required JsonObject? Provider { get; init; }

        public required JsonObject Adapter { get; init; }

        public required List<KeyValuePair<string, Part>> Children { get; init; }
    }

    /// <summary>Builds the parts of <paramref name="module"/> and its children; throws on a cycle or a failing SaveState.</summary>
    public static Part Snapshot(Module module, SaveOptions options, HashSet<Module> ancestors)
    {
        if (!ancestors.Add(module))
        {
            throw new InvalidOperationException("The module graph has a cycle");
        }

        var custom = new JsonObject();
        module.SaveCustomState(custom);
        var children = new List<KeyValuePair<string, Part>>(module.Children.Count);
        foreach (var (name, child) in module.Children)
        {
            children.Add(KeyValuePair.Create(name, Snapshot(child, options, ancestors)));
        }

        ancestors.Remove(module);
        var manager = module.DemoManager;
        return new Part
        {
            ModuleType = module.ModuleType,
            ModuleClass = module.GetType().FullName ?? module.GetType().Name,
            State = module.State.Value,
            Demos = [.. manager.Demos],
            TeacherDemos = [.. manager.TeacherDemos],
            MaxDemos = manager.MaxDemos,
            SelectionStrategy = DemoManager.ToWireName(manager.SelectionStrategy),
            Seed = manager.Seed,
            Signature = module.Signature is null ? null : SignatureJson.Write(module.Signature),
            Config = SecretFilter.ScrubConfig(module.Config, options.IncludeEndpoint),
            Metadata = SecretFilter.ScrubMetadata(module.Metadata),
            Custom = custom.Count > 0 ? custom : null,
            Provider = options.IncludeProvider ? ModuleDocumentBuilder.ProviderJson(module, options) : null,
            Adapter = new JsonObject
            {
                [K.Name] = module.Adapter.Name,
                [K.Config] = SecretFilter.ScrubConfig(module.Adapter.Config, options.IncludeEndpoint),
            },
            Children = children,
        };
    }

    /// <summary>Writes the canonical form the integrity digest covers (no integrity, timestamp or seal).</summary>
    public static void WriteCanonical(Utf8JsonWriter writer, Part root)
    {
        writer.WriteStartObject();
        foreach (var key in RootCanonicalOrder)
        {
            WriteRootField(writer, key, root, null, canonical: true);
        }

        writer.WriteEndObject();
    }

    /// <summary>Writes the file: LogiLLM's key order, then the integrity block and the seal when given.</summary>
    public static void WriteFile(Utf8JsonWriter writer, Part root, string timestamp, JsonObject? integrity, JsonObject? seal)
    {
        writer.WriteStartObject();
        foreach (var key in RootFileOrder)
        {
            WriteRootField(writer, key, root, timestamp, canonical: false);
        }

        if (integrity is not null)
        {
            writer.WritePropertyName(K.Integrity);
            integrity.WriteTo(writer);
        }

        if (seal is not null)
        {
            writer.WritePropertyName(K.Seal);
            seal.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    private static void WriteRootField(Utf8JsonWriter writer, string key, Part root, string? timestamp, bool canonical)
    {
        switch (key)
        {
            case K.LogiLlmVersion:
                writer.WriteString(K.LogiLlmVersion, LibraryVersion.Current);
                break;
            case K.FormatVersion:
                writer.WriteNumber(K.FormatVersion, ModuleFileFormat.CurrentVersion);
                break;
            case K.SaveTimestamp:
                writer.WriteString(K.SaveTimestamp, timestamp);
                break;
            default:
                WriteModuleField(writer, key, root, canonical);
                break;
        }
    }

    private static void WriteModule(Utf8JsonWriter writer, Part part, bool canonical)
    {
        writer.WriteStartObject();
        foreach (var key in canonical ? ModuleCanonicalOrder : ModuleKeys)
        {
            WriteModuleField(writer, key, part, canonical);
        }

        writer.WriteEndObject();
    }

    private static void WriteModuleField(Utf8JsonWriter writer, string key, Part part, bool canonical)
    {
        switch (key)
        {
            case K.ModuleType:
                WriteString(writer, K.ModuleType, part.ModuleType);
                break;
            case K.ModuleClass:
                WriteString(writer, K.ModuleClass, part.ModuleClass);
                break;
            case K.Signature:
                WriteNode(writer, K.Signature, part.Signature, canonical);
                break;
            case K.Config:
                WriteNode(writer, K.Config, part.Config, canonical);
                break;
            case K.Metadata:
                WriteNode(writer, K.Metadata, part.Metadata, canonical);
                break;
            case K.State:
                WriteString(writer, K.State, part.State);
                break;
            case K.DemoManager:
                writer.WritePropertyName(K.DemoManager);
                WriteManager(writer, part, canonical);
                break;
            case K.CustomState when part.Custom is not null:
                WriteNode(writer, K.CustomState, part.Custom, canonical);
                break;
            case K.ProviderConfig when part.Provider is not null:
                WriteNode(writer, K.ProviderConfig, part.Provider, canonical);
                break;
            case K.AdapterConfig:
                WriteNode(writer, K.AdapterConfig, part.Adapter, canonical);
                break;
            case K.Modules when part.Children.Count > 0:
                writer.WritePropertyName(K.Modules);
                writer.WriteStartObject();
                foreach (var (name, child) in canonical ? CanonicalJson.SortByKey(part.Children) : (IEnumerable<KeyValuePair<string, Part>>)part.Children)
                {
                    writer.WritePropertyName(name);
                    WriteModule(writer, child, canonical);
                }

                writer.WriteEndObject();
                break;
        }
    }

    private static void WriteManager(Utf8JsonWriter writer, Part part, bool canonical)
    {
        writer.WriteStartObject();
        foreach (var key in canonical ? ManagerCanonicalOrder : ManagerFileOrder)
        {
            switch (key)
            {
                case K.Demos:
                    WriteDemos(writer, K.Demos, part.Demos, canonical);
                    break;
                case K.TeacherDemos:
                    WriteDemos(writer, K.TeacherDemos, part.TeacherDemos, canonical);
                    break;
                case K.MaxDemos:
                    writer.WriteNumber(K.MaxDemos, part.MaxDemos);
                    break;
                case K.SelectionStrategy:
                    writer.WriteString(K.SelectionStrategy, part.SelectionStrategy);
                    break;
                case K.Seed when part.Seed is { } seed:
                    writer.WriteNumber(K.Seed, seed);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteDemos(Utf8JsonWriter writer, string key, IList<Demo> demos, bool canonical)
    {
        writer.WritePropertyName(key);
        writer.WriteStartArray();
        foreach (var demo in demos)
        {
            WriteDemo(writer, demo, canonical);
        }

        writer.WriteEndArray();
    }

    private static void WriteDemo(Utf8JsonWriter writer, Demo demo, bool canonical)
    {
        writer.WriteStartObject();
        foreach (var key in canonical ? DemoCanonicalOrder : DemoFileOrder)
        {
            switch (key)
            {
                case K.Inputs:
                    writer.WritePropertyName(Inputs);
                    WriteValues(writer, demo.Inputs, canonical);
                    break;
                case K.Outputs:
                    writer.WritePropertyName(Outputs);
                    WriteValues(writer, demo.Outputs, canonical);
                    break;
                case K.Score:
                    // NaN and infinities throw here (no JSON form); the saver's fallback then names the path.
                    writer.WriteNumber(Score, demo.Score);
                    break;
                case K.Source:
                    writer.WritePropertyName(Source);
                    WriteStringValue(writer, demo.Source);
                    break;
                case K.Metadata:
                    writer.WritePropertyName(Metadata);
                    if (demo.Metadata.Count == 0)
                    {
                        writer.WriteStartObject();
                        writer.WriteEndObject();
                    }
                    else
                    {
                        WriteValue(writer, SecretFilter.ScrubMetadata(demo.Metadata), canonical);
                    }

                    break;
                case K.Timestamp when demo.Timestamp is not null:
                    writer.WriteString(Timestamp, demo.Timestamp);
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteValues(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonNode?> values, bool canonical)
    {
        if (canonical)
        {
            CanonicalJson.WriteObject(writer, values);
            return;
        }

        writer.WriteStartObject();
        foreach (var (key, value) in values)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value, canonical: false);
        }

        writer.WriteEndObject();
    }

    private static void WriteNode(Utf8JsonWriter writer, string key, JsonNode? node, bool canonical)
    {
        writer.WritePropertyName(key);
        WriteValue(writer, node, canonical);
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonNode? node, bool canonical)
    {
        if (canonical)
        {
            CanonicalJson.Write(writer, node);
        }
        else if (node is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            node.WriteTo(writer);
        }
    }

    private static void WriteString(Utf8JsonWriter writer, string key, string? value)
    {
        writer.WritePropertyName(key);
        WriteStringValue(writer, value);
    }

    private static void WriteStringValue(Utf8JsonWriter writer, string? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
