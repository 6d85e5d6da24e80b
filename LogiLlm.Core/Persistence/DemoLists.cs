using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// The demo lists of a parsed module file (its own and every child module's). A load reads the demos straight from the
/// parsed document and everything else from a node tree; that tree is parsed from a copy of the file with these lists
/// emptied (byte for byte the rest), so it is small and reads nothing from the parsed document, which is then released.
/// </summary>
internal static class DemoLists
{
    /// <summary>The module tree of <paramref name="root"/> (already parsed with the load's limits) with its demo lists empty.</summary>
    public static JsonObject TreeWithout(JsonElement root)
    {
        var text = JsonMarshal.GetRawUtf8Value(root);
        var lists = new List<Range>();
        Collect(root, text, lists);
        return Without(text, lists);
    }

    /// <summary>The object <paramref name="text"/> holds with the given <paramref name="lists"/> (ranges of non-nested arrays in it) emptied.</summary>
    public static JsonObject Without(ReadOnlySpan<byte> text, List<Range> lists)
    {
        lists.Sort((a, b) => a.Start.Value.CompareTo(b.Start.Value));
        var removed = 0;
        foreach (var list in lists)
        {
            removed += list.End.Value - list.Start.Value - 2;
        }

        var copy = GC.AllocateUninitializedArray<byte>(text.Length - removed);
        var written = 0;
        var read = 0;
        foreach (var list in lists)
        {
            text[read..list.Start.Value].CopyTo(copy.AsSpan(written));
            written += list.Start.Value - read;
            copy[written++] = (byte)'[';
            copy[written++] = (byte)']';
            read = list.End.Value;
        }

        text[read..].CopyTo(copy.AsSpan(written));

        // The copy has the file's nesting or less (already within the limit) and no duplicate keys, as a demo slice.
        return JsonSliceValues.ParseObject(copy);
    }

    // Follows the module tree only (a module's demo_manager and modules), never user content such as metadata or state.
    private static void Collect(JsonElement module, ReadOnlySpan<byte> text, List<Range> lists)
    {
        if (module.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (module.TryGetProperty(K.DemoManager, out var manager) && manager.ValueKind == JsonValueKind.Object)
        {
            Add(manager, K.Demos, text, lists);
            Add(manager, K.TeacherDemos, text, lists);
        }

        if (module.TryGetProperty(K.Modules, out var children) && children.ValueKind == JsonValueKind.Object)
        {
            foreach (var child in children.EnumerateObject())
            {
                Collect(child.Value, text, lists);
            }
        }
    }

    private static void Add(JsonElement manager, string key, ReadOnlySpan<byte> text, List<Range> lists)
    {
        if (manager.TryGetProperty(key, out var list) && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() > 0)
        {
            var raw = JsonMarshal.GetRawUtf8Value(list);
            if (text.Overlaps(raw, out var start))
            {
                lists.Add(new Range(start, start + raw.Length));
            }
        }
    }
}
