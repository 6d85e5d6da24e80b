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
