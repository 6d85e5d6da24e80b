using System.Reflection;

namespace LogiLlm.Persistence;

/// <summary>The version of this library as written to <c>logillm_version</c>.</summary>
public static class LibraryVersion
{
    /// <summary>The assembly's informational version without build metadata (e.g. <c>0.1.0</c>).</summary>
    public static string Current { get; } = Resolve();

    private static string Resolve()
    {
        var assembly = typeof(LibraryVersion).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (!string.IsNullOrWhiteSpace(informational))
        {
            var plus = informational.IndexOf('+', StringComparison.Ordinal);
            return plus >= 0 ? informational[..plus] : informational;
        }

        return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
    }
}
