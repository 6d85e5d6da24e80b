using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Providers;
using LogiLlm.Signatures;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// Loads modules saved by <see cref="ModuleSaver"/> or by Python LogiLLM 0.2.17. Loading is transactional (a new module
/// or an exception, nothing half-applied) and every failure is a <see cref="PersistenceException"/> naming the file and
/// the JSON path. Module types come only from the <see cref="ModuleTypeRegistry"/> allowlist; endpoints and credentials
/// are never taken from a file unless the caller opts in.
/// </summary>
/// <remarks>
/// Longer than most files: the public entry points (file, string, stream, bytes; with or without the report; typed)
/// are one-line overloads of one transaction, and that transaction's order (envelope, header, the version checked
/// before the digest, digest and seal, then the module tree with its adapter and provider) is the part a security
/// review reads, so it stays in one place. The per-part readers live beside it: <see cref="DemoJson"/>,
/// <see cref="SignatureJson"/>, <see cref="DocumentReader"/>, <see cref="ModuleEnvelope"/>.
/// </remarks>
public static class ModuleLoader
{
    /// <summary>Loads the module saved at <paramref name="path"/>.</summary>
    /// <exception cref="PersistenceException">Any failure: missing file, invalid JSON, wrong shape, unknown type, digest mismatch, limits.</exception>
    public static Module LoadModule(string path, LoadOptions? options = null) => LoadWithReport(path, options).Module;

    /// <summary>Loads the module saved at <paramref name="path"/> and reports warnings (version, provider, migration).</summary>
    public static Module LoadModule(string path, LoadOptions? options, out LoadReport report)
    {
        var result = LoadWithReport(path, options);
        report = result.Report;
        return result.Module;
    }

    /// <summary>Loads the module saved at <paramref name="path"/> together with its <see cref="LoadReport"/>.</summary>
    public static LoadResult LoadWithReport(string path, LoadOptions? options = null) => LoadFile(path, options, typeof(Module));

    /// <summary>Loads a module of type <typeparamref name="T"/> (or a subtype) from <paramref name="path"/>.</summary>
    /// <exception cref="PersistenceException">Also when the file holds another module type.</exception>
    public static T Load<T>(string path, LoadOptions? options = null)
        where T : Module => (T)LoadFile(path, options, typeof(T)).Module;

    /// <summary>Loads a module from JSON text.</summary>
    public static Module LoadFromString(string json, LoadOptions? options = null) => LoadFromStringWithReport(json, options).Module;

    /// <summary>Loads a module of type <typeparamref name="T"/> from JSON text.</summary>
    public static T LoadFromString<T>(string json, LoadOptions? options = null)
        where T : Module => (T)LoadString(json, options, typeof(T)).Module;

    /// <summary>Loads a module from JSON text, with its report.</summary>
    public static LoadResult LoadFromStringWithReport(string json, LoadOptions? options = null) => LoadString(json, options, typeof(Module));

    /// <summary>Loads a module from a UTF-8 JSON stream (read to its end, not closed).</summary>
    public static Module LoadFromStream(Stream stream, LoadOptions? options = null) => LoadFromStreamWithReport(stream, options).Module;

    /// <summary>Loads a module from a UTF-8 JSON stream, with its report.</summary>
    public static LoadResult LoadFromStreamWithReport(Stream stream, LoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= LoadOptions.Default;
        var bytes = DocumentReader.ReadLimited(stream, options.MaxBytes, null);
        return Load(bytes, new LoadContext(null, options), typeof(Module));
    }

    /// <summary>Loads a module from UTF-8 JSON bytes, with its report.</summary>
    public static LoadResult LoadFromBytes(ReadOnlySpan<byte> utf8Json, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        if (utf8Json.Length > options.MaxBytes)
        {
            throw new PersistenceException($"Input is too large: {utf8Json.Length} bytes, the limit is {options.MaxBytes} bytes", null, null);
        }

        // Copied: the caller may reuse its buffer, and a loaded module may read its JSON values lazily from this one. Rented: the
        // usual load keeps copies of what it needs, and the buffer goes back to the pool (see LoadContext.SourceRetained).
        var copy = ArrayPool<byte>.Shared.Rent(utf8Json.Length);
        utf8Json.CopyTo(copy);
        return Load(copy.AsMemory(0, utf8Json.Length), new LoadContext(null, options), typeof(Module), copy);
    }

    /// <summary>Loads JSON text that came from somewhere with a name (e.g. <c>email@3</c> in a store); errors name it as the file.</summary>
    internal static LoadResult LoadNamed(string json, LoadOptions? options, string sourceName) => LoadText(json, options, sourceName, typeof(Module));

    private static LoadResult LoadFile(string path, LoadOptions? options, Type expected)
    {
        options ??= LoadOptions.Default;
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new PersistenceException("A file path is required", path, null);
        }

        var bytes = DocumentReader.ReadFile(path, options.MaxBytes, rent: true, out var rented);
        return Load(bytes, new LoadContext(path, options), expected, rented);
    }

    private static LoadResult LoadString(string json, LoadOptions? options, Type expected) => LoadText(json, options, null, expected);

    private static LoadResult LoadText(string json, LoadOptions? options, string? sourceName, Type expected)
    {
        ArgumentNullException.ThrowIfNull(json);
        options ??= LoadOptions.Default;
        if (json.Length > options.MaxBytes || Encoding.UTF8.GetByteCount(json) is var length && length > options.MaxBytes)
        {
            throw new PersistenceException($"Input is too large: the limit is {options.MaxBytes} bytes", sourceName, null);
        }

        // Rented, as for bytes: the usual load keeps copies of what it needs and gives the buffer back.
        var utf8 = ArrayPool<byte>.Shared.Rent(length);
        var written = Encoding.UTF8.GetBytes(json, utf8);
        return Load(utf8.AsMemory(0, written), new LoadContext(sourceName, options), expected, utf8);
    }

    /// <summary>The load transaction; <paramref name="rented"/> (the array under <paramref name="utf8"/>, if pooled) goes back when nothing read keeps it.</summary>
    private static LoadResult Load(ReadOnlyMemory<byte> utf8, LoadContext context, Type expected, byte[]? rented = null)
    {
        JsonDocument? released = null;
        var loaded = false;
        try
        {
            var document = ReadDocument(utf8, context, out var header, out var demos, out released);
            var registry = context.Options.ModuleTypes ?? ModuleTypeRegistry.Default;
            var module = Build(document, demos, JsonPaths.Root, context, registry, existing: null);
            if (!expected.IsInstanceOfType(module))
            {
                throw context.Reader.Fail(
                    $"The file holds a {module.ModuleType} module ({module.GetType().Name}), not a {expected.Name}",
                    JsonPaths.Property(JsonPaths.Root, K.ModuleType));
            }

            // Only now, with the whole module built, touch shared state (the provider registry).
            var savedProvider = module.SavedProvider;
            var providerSetUp = savedProvider is null ? null : ApplyProvider(module, savedProvider, context);
            context.Flush();
            var report = new LoadReport(context.Reader.FilePath, header.LibraryVersion, header.FormatVersion, header.SaveTimestamp, header.Digest, savedProvider, providerSetUp, context.Diagnostics)
            {
                Format = context.Format,
                Compression = context.Compression,
                Encrypted = context.Encrypted,
                Signature = context.Signature,
                SigningKeyId = context.SigningKeyId,
            };
            AttachReport(module, report);
            loaded = true;
            return new LoadResult(module, report);
        }
        catch (PersistenceException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever a file manages to provoke leaves as a PersistenceException, never another type.
            throw context.Reader.Fail($"Cannot load module: {e.Message}", JsonPaths.Root, e);
        }
        finally
        {
            // Nothing the load built reads the parsed document any more: its index goes back to the pool.
            released?.Dispose();
            if (rented is not null && (!loaded || !context.SourceRetained))
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void AttachReport(Module module, LoadReport report)
    {
        // Every module of the loaded tree answers "what did the load say" (a child is often used on its own).
        module.LoadReport = report;
        foreach (var child in module.Children.Values)
        {
            AttachReport(child, report);
        }
    }

    internal readonly record struct Header(string? LibraryVersion, int FormatVersion, string? SaveTimestamp, DigestStatus Digest);

    /// <summary>Parses with limits, checks the digest and the version, and migrates to the current format.</summary>
    /// <remarks>The returned tree reads the parsed document lazily, so that document is left to the collector.</remarks>
    internal static JsonObject ReadDocument(ReadOnlyMemory<byte> utf8, LoadContext context, out Header header) =>
        ReadDocument(utf8, context, out header, out _, out _, detachDemos: false);

    /// <summary>
    /// As <see cref="ReadDocument(ReadOnlyMemory{byte}, LoadContext, out Header)"/>, for a load. When the file's demos are still
    /// exactly what the file holds (no migration step rewrites them), the returned tree is the file without its demo lists and
    /// <paramref name="demos"/> is where they are read from: the demos <see cref="ModuleScan"/> read when nothing needs the whole
    /// parsed document (no digest or seal to check), else that document, then returned in <paramref name="released"/> to dispose
    /// once the module is built. Otherwise both are null and the tree holds everything.
    /// </summary>
    internal static JsonObject ReadDocument(ReadOnlyMemory<byte> utf8, LoadContext context, out Header header, out DemoSource? demos, out JsonDocument? released) =>
        ReadDocument(utf8, context, out header, out demos, out released, detachDemos: true);

    private static JsonObject ReadDocument(ReadOnlyMemory<byte> utf8, LoadContext context, out Header header, out DemoSource? demos, out JsonDocument? released, bool detachDemos)
    {
        var r = context.Reader;
        var options = context.Options;
        // Whatever we save opens here: compressed, encrypted, YAML or JSON, told apart by the bytes.
        utf8 = ModuleEnvelope.Unwrap(utf8, context);
        if (YamlModuleText.IsYaml(utf8.Span))
        {
            context.Format = SerializationFormat.Yaml;
            utf8 = YamlModuleText.ToJson(utf8, options.MaxDepth, r);
        }

        context.Source = utf8;
        (demos, released) = (null, null);
        JsonObject root;
        JsonElement? rootElement = null;
        JsonDocument? parsedDocument = null;
        if (detachDemos && utf8.Length <= options.MaxBytes && !MayNeedWholeDocument(utf8.Span, options)
            && ModuleScan.TryRead(DocumentReader.WithoutBom(utf8), options.MaxDepth) is { } scan && !NeedsWholeDocument(scan.Rest, options))
        {
            // The fast read: nothing below reads more than the header, and the demos are already built (from copies).
            (root, demos) = (scan.Rest, scan.Demos);
            context.SourceRetained = false;
        }
        else
        {
            parsedDocument = r.Parse(utf8, options.MaxBytes, options.MaxDepth);
            rootElement = parsedDocument.RootElement;
            root = JsonObject.Create(parsedDocument.RootElement, DocumentReader.NodeOptions)!;
        }

        // The version first: a file from another version that also fails its digest should say so, not "modified".
        var savedVersion = r.OptionalString(root, K.LogiLlmVersion, JsonPaths.Root);
        var timestamp = r.OptionalString(root, K.SaveTimestamp, JsonPaths.Root);
        if (!LibraryVersion.Matches(savedVersion, options.VersionCompatibility))
        {
            var message = $"Version mismatch: saved with {savedVersion ?? "unknown"}, current is {LibraryVersion.Current}"
                + (options.VersionCompatibility == VersionCompatibility.SameMinor ? " (not the same major.minor)" : string.Empty);
            if (options.StrictVersion)
            {
                throw r.Fail(message, JsonPaths.Property(JsonPaths.Root, K.LogiLlmVersion));
            }

            context.Warn(LoadDiagnostic.VersionMismatch, $"Loading module saved with LogiLlm {savedVersion ?? "unknown"}, current version is {LibraryVersion.Current}. This may cause compatibility issues.", JsonPaths.Property(JsonPaths.Root, K.LogiLlmVersion));
        }

        // A newer format fails here too, before the digest (which it may compute differently).
        var formatVersion = FormatMigrations.ReadVersion(root, r);
        var digest = CheckDigest(root, rootElement, context, out var computedDigest);
        (context.Signature, context.SigningKeyId) = ModuleSeal.Check(root, rootElement, computedDigest, context);
        if (rootElement is { } element && detachDemos && FormatMigrations.KeepsDemos(formatVersion))
        {
            // Only header values were read from the tree so far: the rest is read from a copy that leaves the parsed document free.
            root = DemoLists.TreeWithout(element);
            (demos, released) = (new ParsedDemos(element), parsedDocument);
        }

        FormatMigrations.MigrateToCurrent(root, r);
        if (formatVersion < ModuleFileFormat.CurrentVersion)
        {
            context.Note(LoadDiagnostic.Migrated, $"Migrated from format {formatVersion} to {ModuleFileFormat.CurrentVersion}", JsonPaths.Property(JsonPaths.Root, K.FormatVersion));
        }

        header = new Header(savedVersion, formatVersion, timestamp, digest);
        return root;
    }

    /// <summary>
    /// False when this load surely needs no digest or seal check, told from the bytes before reading them (a key the search
    /// misses, being escaped, also makes the fast read give way): a file with a digest to check is not read twice.
    /// </summary>
    private static bool MayNeedWholeDocument(ReadOnlySpan<byte> utf8, LoadOptions options) =>
        (options.VerifyDigest && utf8.IndexOf("\"integrity\""u8) >= 0)
        || (options.TrustedSigningKeys is { Count: > 0 } && utf8.IndexOf("\"seal\""u8) >= 0);

    /// <summary>
    /// Whether the checks of this load read the whole parsed document (the digest and the seal are computed over it), or the
    /// file's demos are rewritten by a migration step; the fast read then gives way to the full parse.
    /// </summary>
    private static bool NeedsWholeDocument(JsonObject root, LoadOptions options) =>
        (options.VerifyDigest && root.ContainsKey(K.Integrity))
        || (root.ContainsKey(K.Seal) && options.TrustedSigningKeys is { Count: > 0 })
        || root[K.FormatVersion] switch
        {
            null => !FormatMigrations.KeepsDemos(0),
            JsonValue v when v.TryGetValue<int>(out var version) && version >= 0 => !FormatMigrations.KeepsDemos(version),
            _ => true,
        };

    private static DigestStatus CheckDigest(JsonObject root, JsonElement? rootElement, LoadContext context, out string? computed)
    {
        computed = null;
        var r = context.Reader;
        var integrity = r.OptionalObject(root, K.Integrity, JsonPaths.Root);
        var integrityPath = JsonPaths.Property(JsonPaths.Root, K.Integrity);
        if (integrity is null)
        {
            if (context.Options.RequireDigest)
            {
                throw r.Fail("The file has no integrity digest and LoadOptions.RequireDigest is set", integrityPath);
            }

            context.Note(LoadDiagnostic.NoDigest, "The file has no integrity digest (e.g. written by Python LogiLLM)");
            return DigestStatus.Absent;
        }

        if (!context.Options.VerifyDigest)
        {
            context.Warn(LoadDiagnostic.DigestNotVerified, "The integrity digest was not checked (VerifyDigest = false)", integrityPath);
            return DigestStatus.NotChecked;
        }

        var algorithm = r.RequireString(integrity, K.Algorithm, integrityPath);
        if (!string.Equals(algorithm, IntegrityDigest.Algorithm, StringComparison.OrdinalIgnoreCase))
        {
            throw r.Fail($"Unsupported integrity algorithm '{algorithm}'; expected '{IntegrityDigest.Algorithm}'", JsonPaths.Property(integrityPath, K.Algorithm));
        }

        var expected = r.RequireString(integrity, K.Digest, integrityPath);
        // Over the parsed elements: the same canonical form as over nodes, without materializing them first.
        var actual = computed = IntegrityDigest.Compute(rootElement ?? throw new InvalidOperationException("The digest is checked over the parsed document"));
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw r.Fail(
                "Integrity check failed: the digest does not match the content (the file was modified or corrupted after it was saved; load with VerifyDigest = false to accept it anyway)",
                JsonPaths.Property(integrityPath, K.Digest));
        }

        return DigestStatus.Verified;
    }

    private static Module Build(JsonObject node, DemoSource? demos, string path, LoadContext context, ModuleTypeRegistry registry, Module? existing)
    {
        var r = context.Reader;

        // Read and validate every part before constructing anything.
        var moduleType = r.RequireString(node, K.ModuleType, path);
        _ = r.OptionalString(node, K.ModuleClass, path); // informational only: never used to find code
        var signatureObject = r.OptionalObject(node, K.Signature, path);
        if (signatureObject is null && moduleType is "Predict" or "ChainOfThought")
        {
            // Without one the module would be built as "input -> output": another module than the one saved.
            throw r.Fail($"Missing required object '{K.Signature}': a {moduleType} module is defined by its signature", JsonPaths.Property(path, K.Signature));
        }

        var signature = signatureObject is null ? null : SignatureJson.Read(signatureObject, JsonPaths.Property(path, K.Signature), context);
        var config = r.OptionalObject(node, K.Config, path);
        ConfigValidator.Check(config, JsonPaths.Property(path, K.Config), r);
        var metadata = r.OptionalObject(node, K.Metadata, path);
        var stateText = r.OptionalString(node, K.State, path);
        if (stateText is { Length: 0 })
        {
            throw r.Fail("State must not be empty", JsonPaths.Property(path, K.State));
        }

        var demoManager = new DemoManager();
        if (r.OptionalObject(node, K.DemoManager, path) is { } demoObject)
        {
            if (demos is not null)
            {
                // Straight from the file's bytes: no node tree for what is most of a file.
                demos.ReadManager(demoObject, JsonPaths.Property(path, K.DemoManager), context, demoManager);
            }
            else
            {
                DemoJson.ReadManager(demoObject, JsonPaths.Property(path, K.DemoManager), context, demoManager);
            }
        }

        var customState = r.OptionalObject(node, K.CustomState, path);
        var adapter = ReadAdapter(node, path, context);
        var provider = ReadProvider(node, path, context);
        var children = r.OptionalObject(node, K.Modules, path);
        var childNames = children?.Select(c => c.Key).ToArray() ?? [];

        if (!registry.TryGetFactory(moduleType, out var factory))
        {
            throw r.Fail(
                $"Unknown module type '{moduleType}': allowed types are {string.Join(", ", registry.Names)} (register application types with ModuleTypeRegistry.Register)",
                JsonPaths.Property(path, K.ModuleType));
        }

        Module module;
        try
        {
            if (existing is not null)
            {
                if (!string.Equals(existing.ModuleType, moduleType, StringComparison.Ordinal))
                {
                    throw r.Fail($"The file has a {moduleType} here but the parent module created a {existing.ModuleType}", JsonPaths.Property(path, K.ModuleType));
                }

                module = existing;
            }
            else
            {
                var blueprint = new ModuleBlueprint(moduleType, signature, (JsonObject?)metadata?.DeepClone() ?? [], childNames);
                module = factory(blueprint) ?? throw r.Fail($"The factory for module type '{moduleType}' returned null", JsonPaths.Property(path, K.ModuleType));
            }

            if (signature is not null)
            {
                module.Signature = module is ChainOfThought ? ChainOfThought.WithReasoning(signature) : signature;
            }

            module.Config = new ModuleConfig(config?.Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())) ?? []);
            module.Metadata = (JsonObject?)metadata?.DeepClone() ?? [];
            module.State = stateText is null ? ModuleState.Initialized : new ModuleState(stateText);
            module.DemoManager = demoManager;
            module.Adapter = adapter;
            if (context.Options.Providers is { } providers)
            {
                // The caller's registry (not the process-wide default) resolves this module's default provider.
                module.ProviderRegistry = providers;
            }

            if (provider is not null)
            {
                module.SavedProvider = provider;
            }

            if (customState is not null)
            {
                try
                {
                    module.LoadCustomState((JsonObject)customState.DeepClone());
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw r.Fail($"{module.GetType().Name}.LoadState refused the saved state: {e.Message}", JsonPaths.Property(path, K.CustomState), e);
                }
            }
        }
        catch (PersistenceException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw r.Fail($"Cannot construct module type '{moduleType}': {e.Message}", path, e);
        }

        if (children is not null)
        {
            var childrenPath = JsonPaths.Property(path, K.Modules);
            foreach (var (name, childNode) in children)
            {
                var childPath = JsonPaths.Property(childrenPath, name);
                var childObject = r.AsObject(childNode, childPath);
                module.Children.TryGetValue(name, out var existingChild);
                var child = Build(childObject, demos?.Child(name), childPath, context, registry, existingChild);
                if (existingChild is null)
                {
                    try
                    {
                        module.AddChild(name, child);
                    }
                    catch (ArgumentException e)
                    {
                        throw r.Fail($"Cannot add child module '{name}': {e.Message}", childPath, e);
                    }
                }
            }
        }

        return module;
    }

    private static IAdapter ReadAdapter(JsonObject node, string path, LoadContext context)
    {
        var r = context.Reader;
        if (r.OptionalObject(node, K.AdapterConfig, path) is not { } adapterObject)
        {
            return new ChatAdapter();
        }

        var adapterPath = JsonPaths.Property(path, K.AdapterConfig);
        var name = r.RequireString(adapterObject, K.Name, adapterPath);
        var config = r.OptionalObject(adapterObject, K.Config, adapterPath);
        if (!AdapterFactory.IsKnown(name))
        {
            throw r.Fail($"Unknown adapter '{name}': allowed adapters are {string.Join(", ", AdapterFactory.WireNames)}", JsonPaths.Property(adapterPath, K.Name));
        }

        try
        {
            return AdapterFactory.Create(name, (JsonObject?)config?.DeepClone());
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw r.Fail($"Invalid adapter configuration: {e.Message}", adapterPath, e);
        }
    }

    internal static SavedProviderConfig? ReadProvider(JsonObject node, string path, LoadContext context)
    {
        var r = context.Reader;
        if (r.OptionalObject(node, K.ProviderConfig, path) is not { } providerObject)
        {
            return null;
        }

        var providerPath = JsonPaths.Property(path, K.ProviderConfig);
        var name = r.RequireString(providerObject, K.Name, providerPath);
        var model = r.OptionalString(providerObject, K.Model, providerPath) ?? string.Empty;
        var config = r.OptionalObject(providerObject, K.Config, providerPath);
        ConfigValidator.Check(config, JsonPaths.Property(providerPath, K.Config), r);
        var providerClass = r.OptionalString(providerObject, K.ProviderClass, providerPath);
        var dropped = new List<string>();

        // Keep only what may be kept; endpoints stay (marked) so TrustEndpointFromFile can use them, credentials never do.
        var safe = SecretFilter.FilterProviderConfig(config, includeEndpoint: true, dropped);
        foreach (var key in dropped)
        {
            context.Warn(LoadDiagnostic.Ignored, $"Ignored provider config key '{key}' (not a model parameter, or may hold a credential)", JsonPaths.Property(JsonPaths.Property(providerPath, K.Config), key));
        }

        return new SavedProviderConfig(name, model, safe, providerClass);
    }

    private static Provider? ApplyProvider(Module module, SavedProviderConfig saved, LoadContext context)
    {
        var options = context.Options;
        var registry = options.Providers ?? ProviderRegistry.Default;
        var providerPath = JsonPaths.Property(JsonPaths.Root, K.ProviderConfig);
        if (!options.SetupProvider)
        {
            var current = registry.DefaultProvider;
            if (current is not null
                && (!string.Equals(current.Name, saved.Name, StringComparison.OrdinalIgnoreCase) || !string.Equals(current.Model, saved.Model, StringComparison.Ordinal)))
            {
                context.Warn(
                    LoadDiagnostic.ProviderMismatch,
                    $"Module was optimized with {saved.Name} ({saved.Model}), but current provider is {current.Name} ({current.Model}). Performance may differ.",
                    providerPath);
            }

            return null;
        }

        var providerOptions = options.ProviderOptions?.Clone() ?? new ProviderOptions();
        foreach (var (key, value) in saved.Config)
        {
            if (SecretFilter.EndpointKeys.Contains(key))
            {
                if (options.TrustEndpointFromFile && providerOptions.Endpoint is null && value is JsonValue v && v.TryGetValue<string>(out var text)
                    && Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
                {
                    providerOptions.Endpoint = uri;
                }
                else if (!options.TrustEndpointFromFile)
                {
                    context.Warn(LoadDiagnostic.Ignored, $"Ignored '{key}' from the file (set LoadOptions.TrustEndpointFromFile to use it)", JsonPaths.Property(JsonPaths.Property(providerPath, K.Config), key));
                }

                continue;
            }

            providerOptions.Config.TryAdd(key, value?.DeepClone());
        }

        Provider provider;
        try
        {
            provider = registry.CreateProvider(saved.Name, string.IsNullOrEmpty(saved.Model) ? null : saved.Model, providerOptions);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // As LogiLLM: a provider that cannot be set up is a warning, the module itself is fine.
            context.Warn(LoadDiagnostic.ProviderSetupFailed, $"Failed to set up saved provider {saved.Name} ({saved.Model}): {e.Message}", providerPath);
            return null;
        }

        registry.RegisterProvider(provider, setDefault: true);
        module.Provider = provider;
        return provider;
    }
}
