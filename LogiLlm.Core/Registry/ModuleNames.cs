namespace LogiLlm.Registry;

/// <summary>Validation of module names and aliases (they become file names, so they are kept to a safe alphabet).</summary>
public static class ModuleNames
{
    /// <summary>Longest accepted name or alias.</summary>
    public const int MaxLength = 128;

    /// <summary>True for names of letters, digits, '.', '_' and '-' that do not start with '.' or '-'.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        if (name[0] is '.' or '-')
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Valid aliases are valid names that are not all digits (those mean versions).</summary>
    public static bool IsValidAlias(string? alias) =>
        IsValidName(alias) && !alias!.All(char.IsAsciiDigit);

    internal static void EnsureValidName(string name, string paramName = "name")
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"Invalid module name '{name}': use letters, digits, '.', '_' or '-' (at most {MaxLength} characters, not starting with '.' or '-').", paramName);
        }
    }

    internal static void EnsureValidAlias(string alias, string paramName = "alias")
    {
        if (!IsValidAlias(alias))
        {
            throw new ArgumentException($"Invalid alias '{alias}': use letters, digits, '.', '_' or '-', not only digits.", paramName);
        }
    }
}
