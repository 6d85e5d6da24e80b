using System.Globalization;
using System.Text;
using LogiLlm.Persistence;

namespace LogiLlm.Registry;

/// <summary>
/// An <see cref="IModuleStore"/> on a directory, safe for concurrent writers in one or many processes.
/// </summary>
/// <remarks>
/// Layout: <c>{root}/{name}/versions/{N}.json</c> (immutable; created by an atomic no-replace rename, so two
/// publishers can never get the same number) and <c>{root}/{name}/aliases/{alias}</c> (the version number as text,
/// replaced by an atomic rename). Publishing and alias moves take an exclusive lock file per module so that
/// <c>latest</c> never moves backwards.
/// </remarks>
public sealed class FileSystemModuleStore : IModuleStore
{
    private const string VersionsFolder = "versions";
    private const string AliasesFolder = "aliases";
    private const string LockFileName = ".lock";
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Creates a store rooted at <paramref name="rootDirectory"/> (created if missing).</summary>
    public FileSystemModuleStore(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        RootDirectory = Path.GetFullPath(rootDirectory);
        Directory.CreateDirectory(RootDirectory);
    }

    /// <summary>The directory holding all modules.</summary>
    public string RootDirectory { get; }

    /// <summary>How long a writer waits for another writer's lock before giving up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc />
    public async Task<ModuleVersionInfo> PublishAsync(string name, string document, CancellationToken cancellationToken = default)
    {
        ModuleNames.EnsureValidName(name);
        ArgumentNullException.ThrowIfNull(document);
        var bytes = Utf8NoBom.GetBytes(document);
        var versionsDir = Path.Combine(ModuleDirectory(name), VersionsFolder);
        Directory.CreateDirectory(versionsDir);

        using (await AcquireLockAsync(name, cancellationToken).ConfigureAwait(false))
        {
            var next = MaxVersion(versionsDir) + 1;

            // The lock already serialises writers; the no-replace create is the second line of defence
            // (e.g. a file system where the lock is not honoured), retrying with the next number on conflict.
            while (!AtomicFileWriter.TryCreateNew(VersionPath(name, next), bytes))
            {
                cancellationToken.ThrowIfCancellationRequested();
                next = Math.Max(next + 1, MaxVersion(versionsDir) + 1);
            }

            var info = CreateInfo(name, next, bytes, File.GetLastWriteTimeUtc(VersionPath(name, next)));
            TryWriteDigest(name, next, info.Sha256);
            var current = ReadAlias(name, ModuleRef.LatestAlias);
            if (current is null || current < next)
            {
                WriteAlias(name, ModuleRef.LatestAlias, next);
            }

            return info;
        }
    }

    /// <inheritdoc />
    public async Task<StoredModule?> GetAsync(ModuleRef reference, CancellationToken cancellationToken = default)
    {
        if (!ModuleNames.IsValidName(reference.Name))
        {
            return null;
        }

        var version = reference.Version ?? ReadAlias(reference.Name, reference.EffectiveAlias);
        if (version is not { } v)
        {
            return null;
        }

        var path = VersionPath(reference.Name, v);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        var info = CreateInfo(reference.Name, v, bytes, File.GetLastWriteTimeUtc(path));
        return new StoredModule(info, Utf8NoBom.GetString(bytes));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListModulesAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories(RootDirectory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(dir);
            if (ModuleNames.IsValidName(name) && EnumerateVersions(Path.Combine(dir, VersionsFolder)).Any())
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(names);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModuleVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!ModuleNames.IsValidName(name))
        {
            return [];
        }

        var result = new List<ModuleVersionInfo>();
        foreach (var version in EnumerateVersions(Path.Combine(ModuleDirectory(name), VersionsFolder)).Order())
        {
            var path = VersionPath(name, version);
            var file = new FileInfo(path);
            var sha = ReadDigest(name, version);
            if (sha is null)
            {
                // Versions are immutable, so a digest computed once can be cached next to the version.
                sha = DocumentDigest.Of(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
                TryWriteDigest(name, version, sha);
            }

            result.Add(new ModuleVersionInfo(name, version, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero), file.Length, sha));
        }

        return result;
    }

    /// <inheritdoc />
    public async Task SetAliasAsync(string name, string alias, int version, CancellationToken cancellationToken = default)
    {
        ModuleNames.EnsureValidName(name);
        ModuleNames.EnsureValidAlias(alias);
        if (version < 1 || !File.Exists(VersionPath(name, version)))
        {
            throw new KeyNotFoundException($"Module '{name}' has no version {version.ToString(CultureInfo.InvariantCulture)}.");
        }

        using (await AcquireLockAsync(name, cancellationToken).ConfigureAwait(false))
        {
            WriteAlias(name, alias, version);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, int>> GetAliasesAsync(string name, CancellationToken cancellationToken = default)
    {
        var result = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (ModuleNames.IsValidName(name))
        {
            var dir = Path.Combine(ModuleDirectory(name), AliasesFolder);
            if (Directory.Exists(dir))
            {
                foreach (var file in Directory.EnumerateFiles(dir))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var alias = Path.GetFileName(file);
                    if (ModuleNames.IsValidAlias(alias) && ReadAlias(name, alias) is { } v)
                    {
                        result[alias] = v;
                    }
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<string, int>>(result);
    }

    private string ModuleDirectory(string name) => Path.Combine(RootDirectory, name);

    private string VersionPath(string name, int version) =>
        Path.Combine(ModuleDirectory(name), VersionsFolder, version.ToString(CultureInfo.InvariantCulture) + ".json");

    private string DigestPath(string name, int version) =>
        Path.Combine(ModuleDirectory(name), VersionsFolder, version.ToString(CultureInfo.InvariantCulture) + ".sha256");

    private string? ReadDigest(string name, int version)
    {
        try
        {
            var text = File.ReadAllText(DigestPath(name, version)).Trim();
            return text.Length == 64 && text.All(char.IsAsciiHexDigitLower) ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void TryWriteDigest(string name, int version, string sha)
    {
        try
        {
            AtomicFileWriter.WriteAllBytes(DigestPath(name, version), Encoding.ASCII.GetBytes(sha));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a cache: listing recomputes it.
        }
    }

    private string AliasPath(string name, string alias) => Path.Combine(ModuleDirectory(name), AliasesFolder, alias);

    private static IEnumerable<int> EnumerateVersions(string versionsDir)
    {
        if (!Directory.Exists(versionsDir))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(versionsDir, "*.json"))
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            if (stem.Length > 0 && stem[0] != '0' && stem.All(char.IsAsciiDigit)
                && int.TryParse(stem, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                yield return v;
            }
        }
    }

    private static int MaxVersion(string versionsDir) => EnumerateVersions(versionsDir).DefaultIfEmpty(0).Max();

    private int? ReadAlias(string name, string alias)
    {
        if (!ModuleNames.IsValidAlias(alias))
        {
            return null;
        }

        try
        {
            var text = File.ReadAllText(AliasPath(name, alias), Utf8NoBom).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1 ? v : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or DecoderFallbackException)
        {
            return null;
        }
    }

    private void WriteAlias(string name, string alias, int version) =>
        AtomicFileWriter.WriteAllBytes(AliasPath(name, alias), Utf8NoBom.GetBytes(version.ToString(CultureInfo.InvariantCulture)));

    private async Task<FileStream> AcquireLockAsync(string name, CancellationToken cancellationToken)
    {
        var dir = ModuleDirectory(name);
        Directory.CreateDirectory(dir);
        var lockPath = Path.Combine(dir, LockFileName);
        var deadline = DateTime.UtcNow + LockTimeout;
        var delay = 2;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock on Unix) that other processes honour.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(delay, delay * 2), cancellationToken).ConfigureAwait(false);
                delay = Math.Min(delay * 2, 50);
            }
            catch (IOException e)
            {
                throw new TimeoutException($"Could not lock module '{name}' within {LockTimeout}.", e);
            }
        }
    }

    private static ModuleVersionInfo CreateInfo(string name, int version, byte[] bytes, DateTime lastWriteUtc) =>
        new(name, version, new DateTimeOffset(lastWriteUtc, TimeSpan.Zero), bytes.LongLength, DocumentDigest.Of(bytes));
}
