namespace LogiLlm;

/// <summary>
/// The inputs given to a module are missing required fields or hold values that do not fit the declared
/// types. <see cref="ArgumentException.ParamName"/> is "inputs"; the message names every field at fault.
/// </summary>
public sealed class ModuleInputException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="missingFields">Required input fields that were not given.</param>
    /// <param name="invalidFields">Field name -> why its value does not fit.</param>
    /// <param name="expected">Description of the expected inputs, e.g. "email (str), tags (list[str])".</param>
    public ModuleInputException(IReadOnlyList<string> missingFields, IReadOnlyDictionary<string, string> invalidFields, string expected)
        : base(BuildMessage(missingFields, invalidFields, expected), "inputs")
    {
        MissingFields = missingFields;
        InvalidFields = invalidFields;
    }

    /// <summary>Required input fields that were not given.</summary>
    public IReadOnlyList<string> MissingFields { get; }

    /// <summary>Field name -> why its value does not fit the declared type.</summary>
    public IReadOnlyDictionary<string, string> InvalidFields { get; }

    private static string BuildMessage(IReadOnlyList<string> missing, IReadOnlyDictionary<string, string> invalid, string expected)
    {
        var parts = new List<string>();
        if (missing.Count > 0)
        {
            parts.Add($"Missing required input field(s): {string.Join(", ", missing.Select(m => $"'{m}'"))}.");
        }

        parts.AddRange(invalid.Values);
        parts.Add($"Expected inputs: {expected}.");
        return string.Join(" ", parts);
    }
}
