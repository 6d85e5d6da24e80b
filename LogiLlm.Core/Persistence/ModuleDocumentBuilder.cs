using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Providers;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// The saved document as a node tree (<see cref="ModuleSaver.CreateDocument(Module, SaveOptions?)"/>): what YAML is written
/// from, and the JSON path of a module the direct writer (<see cref="ModuleJsonWriter"/>) refuses. What it refuses
/// (non-finite numbers, cycles, a failing SaveState) fails here naming the JSON path.
/// </summary>
internal static class ModuleDocumentBuilder
{
    public static JsonObject CreateDocument(Module module, SaveOptions options, string? path)
    {
        ArgumentNullException.ThrowIfNull(module);
        ModuleSaver.CheckOptions(options, path);
        var root = new JsonObject
        {
            [K.LogiLlmVersion] = LibraryVersion.Current,
            [K.FormatVersion] = ModuleFileFormat.CurrentVersion,
            [K.SaveTimestamp] = ModuleSaver.Timestamp(options),
        };

        try
        {
            WriteModule(root, module, options, path, JsonPaths.Root, new HashSet<Module>(ReferenceEqualityComparer.Instance));
            if (HasNonFinite(root))
            {
                // Rare: walk again, building paths, to name the value.
                CheckFinite(root, path, JsonPaths.Root);
            }
            string? digest = null;
            if (options.IncludeIntegrity)
            {
                var block = IntegrityDigest.CreateBlock(root);
                digest = block[K.Digest]!.GetValue<string>();
                root[K.Integrity] = block;
            }

            if (options.SigningKey is { } key)
            {
                // The seal signs the content digest, computed once for both blocks.
                root[K.Seal] = ModuleSeal.Create(root, digest ?? IntegrityDigest.Compute(root), key);
            }
        }
        catch (PersistenceException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PersistenceException($"Cannot serialize module: {e.Message}", path, null, e);
        }

        return root;
    }

    private static void WriteModule(JsonObject target, Module module, SaveOptions options, string? path, string jsonPath, HashSet<Module> ancestors)
    {
        if (!ancestors.Add(module))
        {
            throw new PersistenceException("The module graph has a cycle: a module is its own descendant", path, jsonPath);
        }

        target[K.ModuleType] = module.ModuleType;
        target[K.ModuleClass] = module.GetType().FullName ?? module.GetType().Name;
        target[K.Signature] = module.Signature is null ? null : SignatureJson.Write(module.Signature);
        target[K.Config] = SecretFilter.ScrubConfig(module.Config, options.IncludeEndpoint);
        target[K.Metadata] = SecretFilter.ScrubMetadata(module.Metadata);
        target[K.State] = module.State.Value;
        target[K.DemoManager] = DemoJson.WriteManager(module.DemoManager);
        var custom = new JsonObject();
        try
        {
            module.SaveCustomState(custom);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new PersistenceException($"{module.GetType().Name}.SaveState failed: {e.Message}", path, JsonPaths.Property(jsonPath, K.CustomState), e);
        }

        if (custom.Count > 0)
        {
            target[K.CustomState] = custom;
        }

        if (options.IncludeProvider)
        {
            var provider = ProviderJson(module, options);
            if (provider is not null)
            {
                target[K.ProviderConfig] = provider;
            }
        }

        target[K.AdapterConfig] = new JsonObject
        {
            [K.Name] = module.Adapter.Name,
            [K.Config] = SecretFilter.ScrubConfig(module.Adapter.Config, options.IncludeEndpoint),
        };

        if (module.Children.Count > 0)
        {
            var children = new JsonObject();
            var childrenPath = JsonPaths.Property(jsonPath, K.Modules);
            foreach (var (name, child) in module.Children)
            {
                var childObject = new JsonObject();
                WriteModule(childObject, child, options, path, JsonPaths.Property(childrenPath, name), ancestors);
                children[name] = childObject;
            }

            target[K.Modules] = children;
        }

        ancestors.Remove(module);
    }

    internal static JsonObject? ProviderJson(Module module, SaveOptions options)
    {
        // The provider the module would call: its own, else the default of its registry (as at invocation).
        if ((module.Provider ?? (module.ProviderRegistry ?? ProviderRegistry.Default).DefaultProvider) is { } provider)
        {
            return new JsonObject
            {
                [K.Name] = provider.Name,
                [K.Model] = provider.Model,
                [K.Config] = SecretFilter.FilterProviderConfig(provider.Config, options.IncludeEndpoint),
                [K.ProviderClass] = provider.ProviderClass,
            };
        }

        // A module loaded without SetupProvider keeps the provider it was saved with.
        if (module.SavedProvider is { } saved)
        {
            return new JsonObject
            {
                [K.Name] = saved.Name,
                [K.Model] = saved.Model,
                [K.Config] = SecretFilter.FilterProviderConfig(saved.Config, options.IncludeEndpoint),
                [K.ProviderClass] = saved.ProviderClass,
            };
        }

        return null;
    }

    private static bool HasNonFinite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, value) in obj)
                {
                    if (HasNonFinite(value))
                    {
                        return true;
                    }
                }

                return false;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (HasNonFinite(item))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                return (value.TryGetValue<double>(out var d) && !double.IsFinite(d)) || (value.TryGetValue<float>(out var f) && !float.IsFinite(f));
            default:
                return false;
        }
    }

    private static void CheckFinite(JsonNode? node, string? path, string jsonPath)
    {
        // NaN and infinities have no JSON form; fail here with a path instead of deep inside the writer.
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    CheckFinite(value, path, JsonPaths.Property(jsonPath, key));
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    CheckFinite(array[i], path, JsonPaths.Index(jsonPath, i));
                }

                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                if ((value.TryGetValue<double>(out var d) && !double.IsFinite(d)) || (value.TryGetValue<float>(out var f) && !float.IsFinite(f)))
                {
                    throw new PersistenceException("Cannot save a number that is NaN or infinite", path, jsonPath);
                }

                break;
        }
    }
}
