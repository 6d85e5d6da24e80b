using System.Globalization;
using System.Net;
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

    /// <summary>Fetches a reference (exact version or alias).</summary>
    public Task<FetchedModule?> GetAsync(ModuleRef reference, CancellationToken cancellationToken) =>
        GetAsync(reference.Name, reference.Version?.ToString(CultureInfo.InvariantCulture) ?? reference.EffectiveAlias, cancellationToken);
}
