using System.Runtime.CompilerServices;

namespace LogiLlm.Tests.Shared;

/// <summary>Finds the read-only <c>shared/</c> folder that sits beside the repository (here and in CI).</summary>
internal static class SharedPaths
{
    public static string Fixture(string name) => Path.Combine(Root, "fixtures", "logillm-py-0.2.17", name);

    public static string Dataset(string name) => Path.Combine(Root, "data", name);

    public static string Root { get; } = FindRoot();

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        // Build output may live outside the repository (an artifacts path), so try the source location too.
        string?[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile)];
        foreach (var start in starts.OfType<string>())
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (Directory.Exists(Path.Combine(dir.FullName, "shared", "fixtures")))
                {
                    return Path.Combine(dir.FullName, "shared");
                }
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures folder above {AppContext.BaseDirectory} or {sourceFile}.");
    }
}
