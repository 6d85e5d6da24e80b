using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// Where a load reads a module's demos from when its node tree holds the file without the demo lists (see
/// <see cref="DemoLists"/>): the parsed document (<see cref="ParsedDemos"/>) or the demos <see cref="ModuleScan"/> read.
/// </summary>
internal abstract class DemoSource
{
    /// <summary>Reads the demo manager whose node (without its demo lists) is <paramref name="manager"/> into <paramref name="target"/>.</summary>
    public abstract void ReadManager(JsonObject manager, string path, LoadContext context, DemoManager target);

    /// <summary>The demos of the child module <paramref name="name"/>.</summary>
    public abstract DemoSource? Child(string name);
}

/// <summary>The demos of one module of a parsed document, read straight from its elements.</summary>
internal sealed class ParsedDemos(JsonElement module) : DemoSource
{
    public override void ReadManager(JsonObject manager, string path, LoadContext context, DemoManager target) =>
        DemoJson.ReadManager(module.GetProperty(K.DemoManager), path, context, target);

    public override DemoSource? Child(string name) => new ParsedDemos(module.GetProperty(K.Modules).GetProperty(name));
}

/// <summary>The demos <see cref="ModuleScan"/> read for one module of the tree, and those of its child modules by name.</summary>
internal sealed class ScannedDemos : DemoSource
{
    public List<Demo>? Demos { get; set; }

    public List<Demo>? TeacherDemos { get; set; }

    public Dictionary<string, ScannedDemos>? Children { get; set; }

    public override void ReadManager(JsonObject manager, string path, LoadContext context, DemoManager target)
    {
        // The node holds everything but the lists the pass read (those are empty there): read it, then add them.
        DemoJson.ReadManager(manager, path, context, target);
        foreach (var demo in Demos ?? [])
        {
            target.Demos.Add(demo);
        }

        foreach (var demo in TeacherDemos ?? [])
        {
            target.TeacherDemos.Add(demo);
        }
    }

    public override DemoSource? Child(string name) => Children?.GetValueOrDefault(name);
}
