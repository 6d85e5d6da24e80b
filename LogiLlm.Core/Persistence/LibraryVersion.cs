using System.Reflection;

namespace LogiLlm.Persistence;

/// <summary>The version of this library as written to <c>logillm_version</c>.</summary>
public static class LibraryVersion
{
    /// <summary>What Python LogiLLM writes to <c>logillm_version</c> (a constant in every release up to 0.2.17).</summary>
    public const string PythonLogiLlm = "0.1.0";

    /// <summary>The assembly's informational version without build metadata (e.g. <c>1.0.0</c>); never <see cref="PythonLogiLlm"/>.</summary>
    public static string Current { get; } = Resolve();

    /// <summary>
    /// Whether a file's <c>logillm_version</c> counts as this library's under <paramref name="compatibility"/>
    /// (null or unparsable versions match only themselves, i.e. never under <see cref="VersionCompatibility.SameMinor"/>).
    /// </summary>
    public static bool Matches(string? savedVersion, VersionCompatibility compatibility = VersionCompatibility.Exact) =>
        MatchesFor(Current, savedVersion, compatibility);

    internal static bool MatchesFor(string currentVersion, string? savedVersion, VersionCompatibility compatibility)
    {
        if (string.Equals(savedVersion, currentVersion, StringComparison.Ordinal))
        {
            return true;
        }

        return compatibility == VersionCompatibility.SameMinor
            && TryMajorMinor(savedVersion, out var saved)
            && TryMajorMinor(currentVersion, out var current)
            && saved == current;
    }

    private static bool TryMajorMinor(string? version, out (int Major, int Minor) majorMinor)
    {
        majorMinor = default;
        if (string.IsNullOrWhiteSpace(version))
        {
            return false;
        }

        // "1.4.2-beta.1+abc" -> "1.4.2"
        var core = version.Split('-', '+')[0];
        var parts = core.Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var minor))
        {
            return false;
        }

        majorMinor = (major, minor);
        return true;
    }

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
