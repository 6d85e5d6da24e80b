using LogiLlm.Providers;
using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// Saves modules in LogiLLM's file format (plus <c>format_version</c>, full field types, nested <c>modules</c> and an
/// integrity digest). Saves to a file are atomic: a crash leaves the previous file or the new one, never a mix.
/// Provider configs keep model parameters only; nothing that is or may hold a credential is written.
/// </summary>
/// <remarks>
/// The entry points (a file, written through a symlink to its target; a string, a stream, bytes, the document) share one
/// path: JSON is written straight from the module by <see cref="ModuleJsonWriter"/>; YAML, and any module that writer
/// refuses, go through the node tree of <see cref="ModuleDocumentBuilder"/>, which names the JSON path of what it refuses
/// (non-finite numbers, cycles). Demos and signatures are read by <see cref="DemoJson"/> and <see cref="SignatureJson"/>;
/// the envelope is <see cref="ModuleEnvelope"/>.
/// </remarks>
public static class ModuleSaver
{
    private static readonly JsonWriterOptions IndentedWriter = new()
    {
        Indented = true,
        IndentSize = 2,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 4096,
    };

    private static readonly JsonWriterOptions CompactWriter = IndentedWriter with { Indented = false };

    /// <summary>Saves <paramref name="module"/> to <paramref name="path"/> atomically (temp file, flush, rename).</summary>
    /// <exception cref="PersistenceException">The module cannot be serialized or the file cannot be written.</exception>
    public static void SaveModule(Module module, string path, SaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new PersistenceException("A file path is required", path, null);
        }

        options ??= SaveOptions.Default;
        // Saving through a symlink (a "latest" link) replaces what it points to, never the link itself.
        var target = ResolveTarget(path);
        var bytes = SaveToBytes(module, options, target);
        try
        {
            AtomicFileWriter.WriteAllBytes(target, bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var through = string.Equals(Path.GetFullPath(path), target, StringComparison.Ordinal) ? string.Empty : $" (through the link {path})";
            throw new PersistenceException($"Cannot save module{through}: {e.Message}", target, null, e);
        }

        LogSaved(module, options, target, bytes.Length);
    }

    /// <summary>The file a save to <paramref name="path"/> writes: the final target of a symlink, else the path itself (full).</summary>
    internal static string ResolveTarget(string path)
    {
        var fullPath = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(fullPath);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } final)
            {
                return Path.GetFullPath(final.FullName);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A link loop or an unreadable link: write the path itself and let the write report what fails.
        }

        return fullPath;
    }

    private static void LogSaved(Module module, SaveOptions options, string? path, int bytes)
    {
        var logger = PersistenceLogging.Resolve(options.Logger);
        if (!logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            return;
        }

        var modules = 0;
        var inputs = 0;
        var outputs = 0;
        var demos = 0;
        var teacherDemos = 0;
        var stack = new Stack<Module>([module]);
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        while (stack.TryPop(out var m))
        {
            if (!seen.Add(m))
            {
                continue;
            }

            modules++;
            inputs += m.Signature?.InputFields.Count ?? 0;
            outputs += m.Signature?.OutputFields.Count ?? 0;
            demos += m.DemoManager.Demos.Count;
            teacherDemos += m.DemoManager.TeacherDemos.Count;
            foreach (var child in m.Children.Values)
            {
                stack.Push(child);
            }
        }

        var provider = !options.IncludeProvider ? "not saved"
            : ModuleDocumentBuilder.ProviderJson(module, options) is { } p ? $"{p[K.Name]} ({p[K.Model]})" : "none";
#pragma warning disable CA1848 // One line per save; a source-generated delegate adds nothing here.
        Microsoft.Extensions.Logging.LoggerExtensions.LogDebug(
            logger,
            "Saved {ModuleType} module to {Path}: {Modules} module(s), {InputFields} input and {OutputFields} output fields, {Demos} demos ({TeacherDemos} teacher demos), max_demos {MaxDemos}, provider {Provider}, {Bytes} bytes",
            module.ModuleType, path ?? "(memory)", modules, inputs, outputs, demos, teacherDemos, module.DemoManager.MaxDemos, provider, bytes);
#pragma warning restore CA1848
    }

    /// <summary>Serializes <paramref name="module"/> to a JSON (or YAML) string.</summary>
    /// <exception cref="PersistenceException">Also when the options ask for compression or encryption, whose output is binary (use <see cref="SaveToBytes(Module, SaveOptions?)"/>).</exception>
    public static string SaveToString(Module module, SaveOptions? options = null)
    {
        if (options is not null && (options.Compression != ModuleCompression.None || options.Password is not null))
        {
            throw new PersistenceException("Compressed or encrypted modules are binary: use SaveToBytes, SaveToStream or SaveModule");
        }

        return Encoding.UTF8.GetString(SaveToBytes(module, options, null));
    }

    /// <summary>Writes <paramref name="module"/> as UTF-8 JSON to <paramref name="stream"/> (not closed).</summary>
    public static void SaveToStream(Module module, Stream stream, SaveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = SaveToBytes(module, options, null);
        try
        {
            stream.Write(bytes);
            stream.Flush();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PersistenceException($"Cannot write module to stream: {e.Message}", e);
        }
    }

    /// <summary>Serializes <paramref name="module"/> to UTF-8 JSON bytes.</summary>
    public static byte[] SaveToBytes(Module module, SaveOptions? options = null)
    {
        var bytes = SaveToBytes(module, options, null);
        LogSaved(module, options ?? SaveOptions.Default, null, bytes.Length);
        return bytes;
    }

    /// <summary>Builds the document that would be saved (including the integrity block when enabled).</summary>
    public static JsonObject CreateDocument(Module module, SaveOptions? options = null) =>
        ModuleDocumentBuilder.CreateDocument(module, options ?? SaveOptions.Default, null);

    private static byte[] SaveToBytes(Module module, SaveOptions? options, string? path)
    {
        ArgumentNullException.ThrowIfNull(module);
        options ??= SaveOptions.Default;
        CheckOptions(options, path);
        try
        {
            // JSON is written straight from the module; YAML, and any module the direct writer cannot write, from the node tree.
            var text = (options.Format == SerializationFormat.Json ? WriteDirect(module, options) : null)
                ?? WriteText(ModuleDocumentBuilder.CreateDocument(module, options, path), options);
            return ModuleEnvelope.Wrap(text, options);
        }
        catch (PersistenceException e) when (e.FilePath is null && path is not null)
        {
            throw new PersistenceException(e.Reason ?? e.Message, path, e.JsonPath, e);
        }
        catch (PersistenceException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PersistenceException($"Cannot serialize module: {e.Message}", path, null, e);
        }
    }

    /// <summary>The document as text from the node tree (YAML, and the JSON fallback of <see cref="WriteDirect"/>).</summary>
    internal static byte[] WriteText(JsonObject document, SaveOptions options)
    {
        if (options.Format == SerializationFormat.Yaml)
        {
            return YamlModuleText.Write(document);
        }

        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, options.Indented ? IndentedWriter : CompactWriter))
        {
            document.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The JSON text written straight from the module (<see cref="ModuleJsonWriter"/>): the bytes the node tree gives, without
    /// building it. Null when the module needs the tree's checks (a non-finite number, a cycle, a failing SaveState): the
    /// tree path then fails with the JSON path, exactly as it always has.
    /// </summary>
    internal static byte[]? WriteDirect(Module module, SaveOptions options)
    {
        ModuleJsonWriter.Part part;
        try
        {
            part = ModuleJsonWriter.Snapshot(module, options, new HashSet<Module>(ReferenceEqualityComparer.Instance));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;   // a cycle or a failing SaveState: the tree path names where
        }

        var timestamp = Timestamp(options);
        // The canonical pass goes straight into the hash; the file pass then carries its result. The canonical pass sees
        // all the content the file pass writes, so a value the writer refuses (a non-finite number) is found there,
        // before anything is signed.
        string? digest = null;
        if (options.IncludeIntegrity || options.SigningKey is not null)
        {
            try
            {
                digest = DocumentDigest.OfTrustedWriter(writer => ModuleJsonWriter.WriteCanonical(writer, part));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                return null;
            }
        }

        var integrity = options.IncludeIntegrity ? IntegrityDigest.Block(digest!) : null;
        var seal = options.SigningKey is { } key ? ModuleSeal.Create(timestamp, digest!, key) : null;
        using var buffer = new PooledBufferWriter(64 * 1024);
        try
        {
            using var writer = new Utf8JsonWriter(buffer, options.Indented ? IndentedWriter : CompactWriter);
            ModuleJsonWriter.WriteFile(writer, part, timestamp, integrity, seal);
        }
        catch (Exception e) when (digest is null && e is (ArgumentException or InvalidOperationException))
        {
            return null;   // no canonical pass ran (no integrity, no seal): the file pass is the first to refuse
        }

        return buffer.WrittenSpan.ToArray();
    }

    internal static string Timestamp(SaveOptions options) =>
        options.TimeProvider.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture);

    internal static void CheckOptions(SaveOptions options, string? path)
    {
        if (options.Format is not (SerializationFormat.Json or SerializationFormat.Yaml))
        {
            throw new PersistenceException($"Unknown format {options.Format}", path, null);
        }

        if (options.SigningKey is { CanSign: false } verifyOnly)
        {
            throw new PersistenceException($"SaveOptions.SigningKey {verifyOnly.KeyId} is a public key: signing needs the private key or the shared secret", path, null);
        }
    }
}
