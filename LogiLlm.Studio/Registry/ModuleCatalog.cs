using System.Globalization;
using LogiLlm.Studio.Clients;

namespace LogiLlm.Studio.Registry;

/// <summary>A row of the modules page.</summary>
public sealed record ModuleRow(
    string Name, IReadOnlyDictionary<string, int> Aliases, int LatestVersion, double? BestScore, string? Signature, string? Provider,
    DateTimeOffset? LastTrained, string? Problem);

/// <summary>One version of a module with its saved document (null when it could not be read).</summary>
public sealed record VersionDetail(ModuleVersionInfo Info, ModuleDocument? Document);

/// <summary>Reads what the pages show from the trainer's registry.</summary>
public sealed class ModuleCatalog(TrainerClient trainer)
{
    /// <summary>Most versions whose documents the module page reads (the newest ones).</summary>
    public const int MaxVersionsRead = 50;

    /// <summary>Every module with its latest version's signature, provider and score, filtered by <paramref name="search"/>.</summary>
    public async Task<ApiResult<List<ModuleRow>>> ListAsync(string? search, CancellationToken cancellationToken)
    {
        var modules = await trainer.ListModulesAsync(cancellationToken);
        if (modules.Problem is { } problem)
        {
            return problem;
        }

        var rows = await Task.WhenAll(modules.Value!.Select(async module =>
        {
            var versions = await trainer.GetVersionsAsync(module.Name, cancellationToken);
            var latest = versions.Value?.Versions.MaxBy(v => v.Version);
            var document = await trainer.GetDocumentAsync(module.Name, module.LatestVersion.ToString(CultureInfo.InvariantCulture), cancellationToken);
            var parsed = document.Value is { } json ? ModuleDocument.Parse(json) : null;
            return new ModuleRow(module.Name, module.Aliases, module.LatestVersion, parsed?.BestScore, parsed?.Signature, parsed?.Provider,
                latest?.CreatedAt, (versions.Problem ?? document.Problem)?.Summary);
        }));

        var filtered = rows.Where(r => Matches(r, search)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        return new ApiResult<List<ModuleRow>>(filtered, null);
    }

    /// <summary>The versions of a module (newest first) with their documents, and its aliases.</summary>
    public async Task<ApiResult<(IReadOnlyList<VersionDetail> Versions, IReadOnlyDictionary<string, int> Aliases)>> GetAsync(
        string name, CancellationToken cancellationToken)
    {
        var versions = await trainer.GetVersionsAsync(name, cancellationToken);
        if (versions.Problem is { } problem)
        {
            return problem;
        }

        var newest = versions.Value!.Versions.OrderByDescending(v => v.Version).Take(MaxVersionsRead).ToList();
        var details = await Task.WhenAll(newest.Select(async info =>
        {
            var document = await trainer.GetDocumentAsync(name, info.Version.ToString(CultureInfo.InvariantCulture), cancellationToken);
            return new VersionDetail(info, document.Value is { } json ? ModuleDocument.Parse(json) : null);
        }));
        return new((details, versions.Value.Aliases), null);
    }

    private static bool Matches(ModuleRow row, string? search) =>
        string.IsNullOrWhiteSpace(search)
        || row.Name.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase)
        || (row.Signature?.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase) ?? false)
        || row.Aliases.Keys.Any(a => a.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase));
}
