namespace LogiLlm.Security;

/// <summary>The two roles a caller can hold.</summary>
public static class LogiLlmRoles
{
    /// <summary>May run predictions.</summary>
    public const string Predict = "predict";

    /// <summary>May do everything: predictions, describe, prompt, the registry and training jobs.</summary>
    public const string Admin = "admin";
}

/// <summary>Authorization policies by name.</summary>
public static class LogiLlmPolicies
{
    /// <summary>Role <c>predict</c> or <c>admin</c>.</summary>
    public const string Predict = "predict";

    /// <summary>Role <c>admin</c>; also the fallback policy of every endpoint that names none.</summary>
    public const string Admin = "admin";
}
