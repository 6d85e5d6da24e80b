using System.Collections.ObjectModel;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>Demos and the demo manager &lt;-&gt; JSON. Demo objects keep exactly LogiLLM's keys (its reader passes them to a constructor).</summary>
internal static class DemoJson
{
    public static JsonObject WriteManager(DemoManager manager)
    {
        var obj = new JsonObject
        {
            [K.Demos] = new JsonArray(manager.Demos.Select(d => (JsonNode)WriteDemo(d)).ToArray()),
            [K.TeacherDemos] = new JsonArray(manager.TeacherDemos.Select(d => (JsonNode)WriteDemo(d)).ToArray()),
            [K.MaxDemos] = manager.MaxDemos,
            [K.SelectionStrategy] = DemoManager.ToWireName(manager.SelectionStrategy),
        };
        if (manager.Seed is { } seed)
        {
            obj[K.Seed] = seed;
        }

        return obj;
    }

    public static JsonObject WriteDemo(Demo demo)
    {
        var obj = new JsonObject
        {
            [K.Inputs] = WriteValues(demo.Inputs),
            [K.Outputs] = WriteValues(demo.Outputs),
            [K.Score] = demo.Score,
            [K.Source] = demo.Source,
            [K.Metadata] = SecretFilter.ScrubMetadata(demo.Metadata),
        };
        if (demo.Timestamp is not null)
        {
            obj[K.Timestamp] = demo.Timestamp;
        }

        return obj;
    }

    private static JsonObject WriteValues(IReadOnlyDictionary<string, JsonNode?> values)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in values)
        {
            obj[key] = value?.DeepClone();
        }

        return obj;
    }

    /// <summary>Reads a demo manager into <paramref name="target"/> (a fresh manager owned by the module being built).</summary>
    public static void ReadManager(JsonObject obj, string path, LoadContext context, DemoManager target)
    {
        var r = context.Reader;
        var maxDemos = r.OptionalInteger(obj, K.MaxDemos, path, 0, int.MaxValue);
        var strategy = r.OptionalString(obj, K.SelectionStrategy, path);
        var seed = r.OptionalInteger(obj, K.Seed, path, int.MinValue, int.MaxValue);

        Apply(target, maxDemos, strategy, seed, ReadDemos(obj, K.Demos, path, context), ReadDemos(obj, K.TeacherDemos, path, context), path, context);
    }

    /// <summary>Sets what either reader read (from nodes or straight from the parsed bytes) on the manager.</summary>
    private static void Apply(DemoManager target, long? maxDemos, string? strategy, long? seed, List<Demo> demos, List<Demo> teacher, string path, LoadContext context)
    {
        if (maxDemos is { } max)
        {
            target.MaxDemos = (int)max;
        }

        if (strategy is not null)
        {
            try
            {
                target.SelectionStrategy = DemoManager.ParseStrategy(strategy);
            }
            catch (ArgumentException)
            {
                // LogiLLM also knows "diverse", "recent", "teacher"; we select by score for those rather than refuse the file.
                context.Warn(LoadDiagnostic.Ignored, $"Unknown selection_strategy '{strategy}'; using 'best'", JsonPaths.Property(path, K.SelectionStrategy));
                target.SelectionStrategy = DemoSelectionStrategy.Best;
            }
        }

        target.Seed = seed is { } s ? (int)s : null;
        foreach (var demo in demos)
        {
            target.Demos.Add(demo);
        }

        foreach (var demo in teacher)
        {
            target.TeacherDemos.Add(demo);
        }
    }

    private static List<Demo> ReadDemos(JsonObject manager, string key, string parentPath, LoadContext context)
    {
        var r = context.Reader;
        var array = r.OptionalArray(manager, key, parentPath);
        var result = new List<Demo>(array?.Count ?? 0);
        if (array is null)
        {
            return result;
        }

        var arrayPath = JsonPaths.Property(parentPath, key);
        for (var i = 0; i < array.Count; i++)
        {
            result.Add(ReadDemo(array[i], JsonPaths.Index(arrayPath, i), context));
        }

        return result;
    }

    public static Demo ReadDemo(JsonNode? node, string path, LoadContext context)
    {
        var r = context.Reader;
        var obj = r.AsObject(node, path);
        var inputs = ReadValues(r.RequireObject(obj, K.Inputs, path));
        var outputs = ReadValues(r.RequireObject(obj, K.Outputs, path));
        var score = r.OptionalDouble(obj, K.Score, path) ?? 1.0;
        var source = r.OptionalString(obj, K.Source, path) ?? "manual";
        var metadata = r.OptionalObject(obj, K.Metadata, path);
        var timestamp = r.OptionalString(obj, K.Timestamp, path);
        if (metadata is not null)
        {
            obj.Remove(K.Metadata);
        }

        return new Demo(inputs, outputs)
        {
            Score = score,
            Source = source,
            Metadata = metadata ?? [],
            Timestamp = timestamp,
        };
    }

    private static ReadOnlyDictionary<string, JsonNode?> ReadValues(JsonObject obj)
    {
        // The parsed document is discarded after the load: its nodes are moved (detached), not copied.
        var pairs = obj.ToArray();
        obj.Clear();
        var values = new OrderedDictionary<string, JsonNode?>(pairs.Length, StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            values[key] = value;
        }

        return new ReadOnlyDictionary<string, JsonNode?>(values);
    }

    /// <summary>
    /// <see cref="ReadManager(JsonObject, string, LoadContext, DemoManager)"/> straight from the parsed document: the same checks,
    /// messages and paths, without first building a node tree of thousands of demos (the load's hot path).
    /// </summary>
    public static void ReadManager(JsonElement obj, string path, LoadContext context, DemoManager target)
    {
        var r = context.Reader;
        var maxDemos = r.OptionalInteger(obj, K.MaxDemos, path, 0, int.MaxValue);
        var strategy = r.OptionalString(obj, K.SelectionStrategy, path);
        var seed = r.OptionalInteger(obj, K.Seed, path, int.MinValue, int.MaxValue);

        Apply(target, maxDemos, strategy, seed, ReadDemos(obj, K.Demos, path, context), ReadDemos(obj, K.TeacherDemos, path, context), path, context);
    }

    private static List<Demo> ReadDemos(JsonElement manager, string key, string parentPath, LoadContext context)
    {
        var r = context.Reader;
        if (r.OptionalArray(manager, key, parentPath) is not { } array)
        {
            return [];
        }

        var result = new List<Demo>(array.GetArrayLength());
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            result.Add(ReadDemo(item, parentPath, key, i++, context));
        }

        return result;
    }

    private static Demo ReadDemo(JsonElement obj, string managerPath, string key, int index, LoadContext context)
    {
        var r = context.Reader;
        // The demo's path is built only when something in it is wrong.
        string Path() => JsonPaths.Index(JsonPaths.Property(managerPath, key), index);
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw r.Fail($"Expected an object, found {DocumentReader.Describe(obj.ValueKind)}", Path());
        }

        JsonElement? inputs = null, outputs = null, metadata = null;
        double? score = null;
        string? source = null, timestamp = null;
        foreach (var property in obj.EnumerateObject())
        {
            var value = property.Value;
            if (property.NameEquals("inputs"u8))
            {
                inputs = RequireObject(value, K.Inputs);
            }
            else if (property.NameEquals("outputs"u8))
            {
                outputs = RequireObject(value, K.Outputs);
            }
            else if (property.NameEquals("score"u8))
            {
                score = value.ValueKind == JsonValueKind.Null ? null
                    : value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d) ? d
                    : throw r.Fail($"Expected a number, found {DocumentReader.Describe(value.ValueKind)}", JsonPaths.Property(Path(), K.Score));
            }
            else if (property.NameEquals("source"u8))
            {
                source = KnownSource(value) ?? OptionalString(value, K.Source);
            }
            else if (property.NameEquals("metadata"u8))
            {
                metadata = value.ValueKind == JsonValueKind.Null ? null : RequireObject(value, K.Metadata);
            }
            else if (property.NameEquals("timestamp"u8))
            {
                timestamp = OptionalString(value, K.Timestamp);
            }
        }

        return new Demo(
            ReadValues(inputs ?? throw r.Fail($"Missing required object '{K.Inputs}'", JsonPaths.Property(Path(), K.Inputs)), context),
            ReadValues(outputs ?? throw r.Fail($"Missing required object '{K.Outputs}'", JsonPaths.Property(Path(), K.Outputs)), context))
        {
            Score = score ?? 1.0,
            Source = source ?? "manual",
            Metadata = metadata is { } m && m.GetPropertyCount() > 0 ? JsonSliceValues.ParseObject(Slice(m, context)) : [],
            Timestamp = timestamp,
        };

        JsonElement RequireObject(JsonElement value, string name) =>
            value.ValueKind == JsonValueKind.Object ? value
            : value.ValueKind == JsonValueKind.Null && name != K.Metadata ? throw r.Fail($"Missing required object '{name}'", JsonPaths.Property(Path(), name))
            : throw r.Fail($"Expected an object, found {DocumentReader.Describe(value.ValueKind)}", JsonPaths.Property(Path(), name));

        // The usual sources without a string per demo.
        static string? KnownSource(JsonElement value) =>
            value.ValueKind != JsonValueKind.String ? null
            : value.ValueEquals("bootstrap"u8) ? "bootstrap"
            : value.ValueEquals("manual"u8) ? "manual"
            : value.ValueEquals("labeled"u8) ? "labeled"
            : null;

        string? OptionalString(JsonElement value, string name) => value.ValueKind switch
        {
            JsonValueKind.Null => null,
            JsonValueKind.String => value.GetString(),
            _ => throw r.Fail($"Expected a string, found {DocumentReader.Describe(value.ValueKind)}", JsonPaths.Property(Path(), name)),
        };
    }

    // Kept as their JSON text until read (most loaded demos never reach a prompt), so the parsed document can be released.
    private static JsonSliceValues ReadValues(JsonElement obj, LoadContext context) => new(Slice(obj, context), obj.GetPropertyCount());

    /// <summary>The bytes of <paramref name="element"/> within the loaded buffer (which the loaded module keeps), not a copy.</summary>
    private static ReadOnlyMemory<byte> Slice(JsonElement element, LoadContext context)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        return context.Source.Span.Overlaps(raw, out var offset) ? context.Source.Slice(offset, raw.Length) : raw.ToArray();
    }
}
