using LogiLlm.Persistence;
using static LogiLlm.Core.Tests.Persistence.PersistenceTestKit;

namespace LogiLlm.Core.Tests.Persistence;

public class CrashSaveTests
{
    [Fact]
    public async Task A_process_killed_while_saving_in_a_loop_always_leaves_a_loadable_file()
    {
        using var temp = CreateTempDirectory();
        var path = temp.File("module.json");
        var random = new Random(5);
        var lastSeen = -1L;
        for (var round = 0; round < 12; round++)
        {
            using (var child = ChildProcess.Start("save-loop", path, "400"))
            {
                // Kill at a random point after at least a few completed saves (each save is ~200 KB).
                await child.WaitForLinesAsync(1 + random.Next(1, 6), TimeSpan.FromSeconds(60));
                await Task.Delay(random.Next(0, 15));
                child.Kill();
            }

            var module = ModuleLoader.LoadModule(path, new LoadOptions { RequireDigest = true });
            Assert.Equal(400, module.DemoManager.Demos.Count);
            var save = (long)module.Metadata["save"]!;
            Assert.True(save >= 0);
            lastSeen = save;
        }

        Assert.True(lastSeen >= 0);

        // Only the target and possibly orphaned temp files (never named like the target) remain.
        Assert.All(Directory.GetFiles(temp.Path), f => Assert.True(f == path || Path.GetFileName(f).StartsWith(".module.json.", StringComparison.Ordinal), f));
    }
}
