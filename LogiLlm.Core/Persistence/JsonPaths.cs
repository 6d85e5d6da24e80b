using System.Globalization;

namespace LogiLlm.Persistence;

/// <summary>Builds JSON paths such as <c>$.demo_manager.demos[2].score</c> for error messages.</summary>
internal static class JsonPaths
{
    public const string Root = "$";

    public static string Property(string parent, string name)
    {
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return $"{parent}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";
            }
        }

        return name.Length == 0 ? $"{parent}['']" : $"{parent}.{name}";
    }

    public static string Index(string parent, int index) => $"{parent}[{index.ToString(CultureInfo.InvariantCulture)}]";
}
