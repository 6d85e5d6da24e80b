using System.Globalization;

namespace LogiLlm.Registry;

/// <summary>What <see cref="RegistryMigration.CopyAsync"/> copied and verified.</summary>
/// <param name="Modules">Module names copied.</param>
/// <param name="VersionsCopied">Versions written to the target.</param>
/// <param name="VersionsAlreadyPresent">Versions the target already held with the same digest (an earlier, interrupted run).</param>
/// <param name="Aliases">Aliases set on the target (including <c>latest</c>).</param>
public sealed record RegistryMigrationReport(IReadOnlyList<string> Modules, int VersionsCopied, int VersionsAlreadyPresent, int Aliases);

/// <summary>Copies one registry into another (e.g. a file-system registry into blob storage) and verifies the copy.</summary>
public static class RegistryMigration
{
    /// <summary>
    /// Copies every module, every version (same numbers, same bytes, so the same digests) and every alias from
    /// <paramref name="source"/> to <paramref name="target"/>, then verifies that the target lists the same versions with
    /// the same digests and the same aliases. Runs again safely after an interruption: versions already copied are kept.
    /// </summary>
    /// <exception cref="InvalidOperationException">The target holds different documents under the same numbers, or the
    /// copy does not verify; nothing in the source is changed.</exception>
    public static async Task<RegistryMigrationReport> CopyAsync(IModuleStore source, IModuleStore target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var modules = await source.ListModulesAsync(cancellationToken).ConfigureAwait(false);
        int copied = 0, present = 0, aliases = 0;
        foreach (var name in modules)
        {
            var versions = await source.ListVersionsAsync(name, cancellationToken).ConfigureAwait(false);
            var existing = (await target.ListVersionsAsync(name, cancellationToken).ConfigureAwait(false)).ToDictionary(v => v.Version);
            var expected = 1;
            foreach (var version in versions)
            {
                // Publishing numbers versions 1, 2, ...: a registry with holes cannot be reproduced number for number.
                if (version.Version != expected++)
                {
                    throw new InvalidOperationException($"Module '{name}' has no version {(expected - 1).ToString(CultureInfo.InvariantCulture)} before {version.Version.ToString(CultureInfo.InvariantCulture)}; cannot copy it with the same numbers.");
                }

                if (existing.TryGetValue(version.Version, out var there))
                {
                    EnsureSame(version, there);
                    present++;
                    continue;
                }

                if (existing.Count > 0 && existing.Keys.Max() > version.Version)
                {
                    throw new InvalidOperationException($"The target already has later versions of '{name}' than {version.Ref}.");
                }

                var stored = await source.GetAsync(version.Ref, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"{version.Ref} disappeared from the source while copying.");
                var written = await target.PublishAsync(name, stored.Document, cancellationToken).ConfigureAwait(false);
                if (written.Version != version.Version)
                {
                    throw new InvalidOperationException($"The target numbered {version.Ref} as version {written.Version.ToString(CultureInfo.InvariantCulture)}: another writer is publishing '{name}' there.");
                }

                EnsureSame(version, written);
                copied++;
            }

            foreach (var (alias, v) in await source.GetAliasesAsync(name, cancellationToken).ConfigureAwait(false))
            {
                await target.SetAliasAsync(name, alias, v, cancellationToken).ConfigureAwait(false);
                aliases++;
            }

            await VerifyAsync(source, target, name, cancellationToken).ConfigureAwait(false);
        }

        return new RegistryMigrationReport(modules, copied, present, aliases);
    }

    private static async Task VerifyAsync(IModuleStore source, IModuleStore target, string name, CancellationToken cancellationToken)
    {
        var want = (await source.ListVersionsAsync(name, cancellationToken).ConfigureAwait(false)).Select(v => (v.Version, v.Sha256)).ToList();
        var have = (await target.ListVersionsAsync(name, cancellationToken).ConfigureAwait(false)).Select(v => (v.Version, v.Sha256)).ToList();
        if (!want.SequenceEqual(have))
        {
            throw new InvalidOperationException($"The copy of '{name}' does not verify: the target lists other versions or digests than the source.");
        }

        var wantAliases = await source.GetAliasesAsync(name, cancellationToken).ConfigureAwait(false);
        var haveAliases = await target.GetAliasesAsync(name, cancellationToken).ConfigureAwait(false);
        if (wantAliases.Any(a => !haveAliases.TryGetValue(a.Key, out var v) || v != a.Value))
        {
            throw new InvalidOperationException($"The copy of '{name}' does not verify: its aliases differ from the source's.");
        }

        // Reading back checks the bytes themselves, not only what listing reports.
        foreach (var (version, sha) in want)
        {
            var read = await target.GetAsync(new ModuleRef(name, version), cancellationToken).ConfigureAwait(false);
            if (read is null || read.Info.Sha256 != sha)
            {
                throw new InvalidOperationException($"The copy of {name}@{version.ToString(CultureInfo.InvariantCulture)} does not read back with the source's digest.");
            }
        }
    }

    private static void EnsureSame(ModuleVersionInfo source, ModuleVersionInfo target)
    {
        if (!string.Equals(source.Sha256, target.Sha256, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The target's {target.Ref} differs from the source's (digest {target.Sha256} instead of {source.Sha256}).");
        }
    }
}
