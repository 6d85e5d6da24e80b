using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// Summarizes a module file (type, signature, config, demo count, provider, children) with the loader's checks
/// (limits, digest, migrations, shapes) but without instantiating anything, so unregistered types can be inspected too.
/// </summary>
public static class ModuleInspector
{
    /// <summary>Summarizes the module file at <paramref name="path"/>.</summary>
    /// <exception cref="PersistenceException">The file is missing, malformed, too large or fails its digest.</exception>
    public static ModuleSummary Inspect(string path, LoadOptions? options = null)
    {
        options ??= LoadOptions.Default;
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new PersistenceException("A file path is required", path, null);
        }

        return Inspect(DocumentReader.ReadFile(path, options.MaxBytes), new LoadContext(path, options));
    }

    /// <summary>Summarizes a module given as JSON text.</summary>
    public static ModuleSummary InspectString(string json, LoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        options ??= LoadOptions.Default;
        if (json.Length > options.MaxBytes)
        {
            throw new PersistenceException($"Input is too large: the limit is {options.MaxBytes} bytes", null, null);
        }

        return Inspect(Encoding.UTF8.GetBytes(json), new LoadContext(null, options));
    }

    private static ModuleSummary Inspect(ReadOnlyMemory<byte> utf8, LoadContext context)
    {
        try
        {
            var root = ModuleLoader.ReadDocument(utf8, context, out var header);
            var summary = Summarize(root, JsonPaths.Root, context);
            return summary with
            {
                LibraryVersion = header.LibraryVersion,
                FormatVersion = header.FormatVersion,
                SaveTimestamp = header.SaveTimestamp,
                Digest = header.Digest,
                Diagnostics = context.Diagnostics,
            };
        }
        catch (PersistenceException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw context.Reader.Fail($"Cannot inspect module: {e.Message}", JsonPaths.Root, e);
        }
    }

    private static ModuleSummary Summarize(JsonObject node, string path, LoadContext context)
    {
        var r = context.Reader;
        var signatureObject = r.OptionalObject(node, K.Signature, path);
        var demoManager = new DemoManager();
        if (r.OptionalObject(node, K.DemoManager, path) is { } demoObject)
        {
            DemoJson.ReadManager(demoObject, JsonPaths.Property(path, K.DemoManager), context, demoManager);
        }

        string? adapter = null;
        if (r.OptionalObject(node, K.AdapterConfig, path) is { } adapterObject)
        {
            adapter = r.RequireString(adapterObject, K.Name, JsonPaths.Property(path, K.AdapterConfig));
        }

        var children = new Dictionary<string, ModuleSummary>(StringComparer.Ordinal);
        if (r.OptionalObject(node, K.Modules, path) is { } modules)
        {
            var modulesPath = JsonPaths.Property(path, K.Modules);
            foreach (var (name, child) in modules)
            {
                var childPath = JsonPaths.Property(modulesPath, name);
                children[name] = Summarize(r.AsObject(child, childPath), childPath, context);
            }
        }

        return new ModuleSummary
        {
            ModuleType = r.RequireString(node, K.ModuleType, path),
            ModuleClass = r.OptionalString(node, K.ModuleClass, path),
            State = r.OptionalString(node, K.State, path) ?? ModuleState.Initialized.Value,
            Signature = signatureObject is null ? null : SignatureJson.Read(signatureObject, JsonPaths.Property(path, K.Signature), context),
            Config = (JsonObject?)r.OptionalObject(node, K.Config, path)?.DeepClone() ?? [],
            DemoCount = demoManager.Demos.Count,
            TeacherDemoCount = demoManager.TeacherDemos.Count,
            MaxDemos = demoManager.MaxDemos,
            SelectionStrategy = DemoManager.ToWireName(demoManager.SelectionStrategy),
            Adapter = adapter,
            Provider = ModuleLoader.ReadProvider(node, path, context),
            Children = children,
        };
    }
}
