using System.Text.Json.Nodes;
using LogiLlm.Core.Tests.Persistence;
using LogiLlm.Registry;

namespace LogiLlm.Core.Tests.Registry;

public sealed class MultiProcessStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "logillm-mp-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Processes_publishing_at_once_get_distinct_versions()
    {
        const int perWriter = 15;
        string[] writers = ["p1", "p2", "p3"];
        var children = writers.Select(w => ChildProcess.Start("publish", _root, "shared", perWriter.ToString(System.Globalization.CultureInfo.InvariantCulture), w)).ToArray();
        try
        {
            // Meanwhile this process publishes too.
            var local = new List<int>();
            var store = new FileSystemModuleStore(_root);
            for (var i = 0; i < perWriter; i++)
            {
                local.Add((await store.PublishAsync("shared", $"{{\"writer\":\"local\",\"n\":{i}}}")).Version);
            }

            foreach (var child in children)
            {
                Assert.Equal(0, await child.WaitForExitAsync(TimeSpan.FromSeconds(120)));
            }

            var total = perWriter * (writers.Length + 1);
            var versions = await store.ListVersionsAsync("shared");
            Assert.Equal(Enumerable.Range(1, total), versions.Select(v => v.Version));
            Assert.Equal(total, (await store.GetAliasesAsync("shared"))["latest"]);

            // Every writer's documents are all there, each exactly once, in that writer's order.
            var byWriter = new Dictionary<string, List<int>>();
            foreach (var v in versions)
            {
                var doc = JsonNode.Parse((await store.GetAsync(v.Ref))!.Document)!;
                var writer = (string)doc["writer"]!;
                if (!byWriter.TryGetValue(writer, out var list))
                {
                    byWriter[writer] = list = [];
                }

                list.Add((int)doc["n"]!);
            }

            foreach (var writer in writers.Append("local"))
            {
                Assert.Equal(Enumerable.Range(0, perWriter), byWriter[writer]);
            }

            var reported = children.SelectMany(c => c.Lines).Select(l => int.Parse(l["version ".Length..], System.Globalization.CultureInfo.InvariantCulture)).Concat(local);
            Assert.Equal(Enumerable.Range(1, total), reported.Order());
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }
}
