using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using LogiLlm.Registry;

namespace LogiLlm.Inference.Modules;

/// <summary>Reads saved module documents from the trainer's registry API (service discovery: <c>http://trainer</c>).</summary>
public sealed class TrainerClient(HttpClient http)
{
    /// <summary>A document and the exact version it resolved to.</summary>
    public sealed record FetchedModule(string Name, int Version, string Document);

    /// <summary>Fetches <c>name@version-or-alias</c>; <c>null</c> when the registry does not have it.</summary>
    public async Task<FetchedModule?> GetAsync(string name, string versionOrAlias, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(
            $"/api/modules/{Uri.EscapeDataString(name)}/versions/{Uri.EscapeDataString(versionOrAlias)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var document = await response.Content.ReadAsStringAsync(cancellationToken);
        var versionText = response.Headers.TryGetValues("X-Module-Version", out var values) ? values.FirstOrDefault() : null;
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"The trainer answered module '{name}@{versionOrAlias}' without a version header.");
        }

        return new FetchedModule(name, version, document);
    }

    /// <summary>The versions and aliases of a module as the registry lists them.</summary>
    public sealed record ModuleListing(IReadOnlyList<ModuleVersionInfo> Versions, IReadOnlyDictionary<string, int> Aliases);

    /// <summary>Lists a module's versions and aliases (small: no documents); <c>null</c> when the registry has no such module.</summary>
    public async Task<ModuleListing?> GetVersionsAsync(string name, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/modules/{Uri.EscapeDataString(name)}/versions", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync(TrainerClientJsonContext.Default.ModuleListing, cancellationToken)
            ?? throw new InvalidOperationException($"The trainer answered the versions of module '{name}' with an empty body.");
    }

    /// <summary>Fetches a reference (exact version or alias).</summary>
    public Task<FetchedModule?> GetAsync(ModuleRef reference, CancellationToken cancellationToken) =>
        GetAsync(reference.Name, reference.Version?.ToString(CultureInfo.InvariantCulture) ?? reference.EffectiveAlias, cancellationToken);
}

/// <summary>Source-generated JSON of the trainer's registry answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TrainerClient.ModuleListing))]
internal sealed partial class TrainerClientJsonContext : JsonSerializerContext;
