using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace LogiLlm.Registry;

/// <summary>
/// A reference to a module in a store: <c>name</c> (the <c>latest</c> alias), <c>name@3</c> (an exact version)
/// or <c>name@production</c> (an alias).
/// </summary>
/// <param name="Name">Module name.</param>
/// <param name="Version">Exact version, or <c>null</c>.</param>
/// <param name="Alias">Alias, or <c>null</c> (with no version either, <c>latest</c> is meant).</param>
public readonly record struct ModuleRef(string Name, int? Version = null, string? Alias = null)
{
    /// <summary>The alias that <see cref="IModuleStore.PublishAsync"/> moves to every new version.</summary>
    public const string LatestAlias = "latest";

    /// <summary>The alias this reference resolves through (<c>latest</c> when neither version nor alias is given).</summary>
    public string EffectiveAlias => Alias ?? LatestAlias;

    /// <summary>Parses <c>name</c>, <c>name@3</c> or <c>name@alias</c>.</summary>
    /// <exception cref="FormatException">The text is not a valid reference.</exception>
    public static ModuleRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var result, out var error)
            ? result
            : throw new FormatException(error);
    }

    /// <summary>Parses a reference, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out ModuleRef result) => TryParse(text, out result, out _);

    private static bool TryParse(string? text, out ModuleRef result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A module reference must not be empty.";
            return false;
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? text : text[..at];
        if (!ModuleNames.IsValidName(name))
        {
            error = $"Invalid module name '{name}': use letters, digits, '.', '_' or '-' (at most 128 characters, not starting with '.' or '-').";
            return false;
        }

        if (at < 0)
        {
            result = new ModuleRef(name);
            error = null;
            return true;
        }

        var tail = text[(at + 1)..];
        if (tail.Length > 0 && tail.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(tail, NumberStyles.None, CultureInfo.InvariantCulture, out var version) || version < 1)
            {
                error = $"Invalid version '{tail}' in '{text}': versions are whole numbers from 1.";
                return false;
            }

            result = new ModuleRef(name, version);
            error = null;
            return true;
        }

        if (!ModuleNames.IsValidAlias(tail))
        {
            error = $"Invalid alias '{tail}' in '{text}'.";
            return false;
        }

        result = new ModuleRef(name, null, tail);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Version is { } v
        ? $"{Name}@{v.ToString(CultureInfo.InvariantCulture)}"
        : Alias is null ? Name : $"{Name}@{Alias}";
}
