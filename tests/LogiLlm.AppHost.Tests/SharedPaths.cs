namespace LogiLlm.AppHost.Tests;

/// <summary>Finds the read-only <c>shared/</c> folder that sits beside the repository (here and in CI).</summary>
internal static class SharedPaths
{
    public static string Fixture(string name) => Path.Combine(Root, "fixtures", "logillm-py-0.2.17", name);

    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(dir.FullName, "shared");
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures folder above {AppContext.BaseDirectory}.");
    }
}
