using System.Text.Json.Serialization;

namespace LogiLlm.Registry;

/// <summary>
/// A change of a module in the registry (a new version, a moved alias), as the trainer publishes it to
/// inference replicas so they drop what they cached for that name.
/// </summary>
/// <param name="Name">Module name.</param>
/// <param name="Version">The version concerned.</param>
/// <param name="Aliases">The aliases that now point at <paramref name="Version"/> because of this change.</param>
public sealed record ModuleChange(string Name, int Version, IReadOnlyList<string> Aliases)
{
    /// <summary>The pub/sub channel carrying module changes.</summary>
    public const string Channel = "logillm:modules:changed";
}

/// <summary>Source-generated JSON for <see cref="ModuleChange"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ModuleChange))]
public sealed partial class ModuleChangeJsonContext : JsonSerializerContext;
