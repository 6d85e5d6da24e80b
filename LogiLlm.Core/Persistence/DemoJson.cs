using System.Collections.ObjectModel;
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

        var demos = ReadDemos(obj, K.Demos, path, context);
        var teacher = ReadDemos(obj, K.TeacherDemos, path, context);

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
}
