using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using LogiLlm.Persistence;

namespace LogiLlm.Registry;

/// <summary>
/// An <see cref="IModuleStore"/> on an Azure Blob Storage container (Azurite locally), shared by any number of
/// processes and replicas.
/// </summary>
/// <remarks>
/// Layout: <c>{name}/versions/{N}.json</c>, written once with <c>If-None-Match: *</c> (a publisher that loses the race
/// for a number tries the next one, so concurrent publishers get distinct versions and none is lost), with the
/// document's SHA-256 in the blob metadata so listing reads no document; and <c>{name}/aliases/{alias}</c>, holding the
/// version number (also in metadata), moved by compare-and-swap on its ETag so that <c>latest</c> never moves backwards.
/// <para>
/// Longer than most files: one <see cref="IModuleStore"/> implementation, each member a few lines of conditional blob
/// requests that only make sense against the layout above; the file-system store keeps the same shape.
/// </para>
/// </remarks>
public sealed class AzureBlobModuleStore : IModuleStore
{
    /// <summary>Container used when none is named.</summary>
    public const string DefaultContainerName = "modules";

    internal const string DigestMetadataKey = "sha256";
    internal const string VersionMetadataKey = "version";
    private const string VersionsFolder = "versions";
    private const string AliasesFolder = "aliases";
    private const string VersionSuffix = ".json";
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly BlobContainerClient _container;
    private readonly Lazy<Task> _containerReady;

    /// <summary>Creates a store on <paramref name="container"/> (created on first use if missing).</summary>
    public AzureBlobModuleStore(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
        _containerReady = new Lazy<Task>(() => _container.CreateIfNotExistsAsync(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Creates a store from a storage connection string (e.g. Azurite's) and a container name.</summary>
    public static AzureBlobModuleStore FromConnectionString(string connectionString, string containerName = DefaultContainerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ArgumentException.ThrowIfNullOrWhiteSpace(containerName);
        return new AzureBlobModuleStore(new BlobContainerClient(connectionString, containerName));
    }

    /// <summary>The container holding all modules.</summary>
    public Uri ContainerUri => _container.Uri;

    /// <inheritdoc />
    public async Task<ModuleVersionInfo> PublishAsync(string name, string document, CancellationToken cancellationToken = default)
    {
        ModuleNames.EnsureValidName(name);
        ArgumentNullException.ThrowIfNull(document);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);

        var bytes = Utf8NoBom.GetBytes(document);
        var sha = DocumentDigest.Of(bytes);
        var content = BinaryData.FromBytes(bytes);
        var next = await MaxVersionAsync(name, cancellationToken).ConfigureAwait(false) + 1;
        var conflicts = 0;
        while (true)
        {
            var options = new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                Metadata = new Dictionary<string, string> { [DigestMetadataKey] = sha },
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" },
            };
            try
            {
                var response = await VersionBlob(name, next).UploadAsync(content, options, cancellationToken).ConfigureAwait(false);
                await MoveLatestForwardAsync(name, next, cancellationToken).ConfigureAwait(false);
                return new ModuleVersionInfo(name, next, response.Value.LastModified, bytes.LongLength, sha);
            }
            catch (RequestFailedException e) when (IsConflict(e))
            {
                // Another publisher took this number: try the next one (a put is cheaper than listing again),
                // and after a run of losses jump past everything that exists now.
                next = ++conflicts % 8 == 0
                    ? Math.Max(next + 1, await MaxVersionAsync(name, cancellationToken).ConfigureAwait(false) + 1)
                    : next + 1;
            }
        }
    }

    /// <inheritdoc />
    public async Task<StoredModule?> GetAsync(ModuleRef reference, CancellationToken cancellationToken = default)
    {
        if (!ModuleNames.IsValidName(reference.Name))
        {
            return null;
        }

        var version = reference.Version;
        if (version is null)
        {
            if (!ModuleNames.IsValidAlias(reference.EffectiveAlias))
            {
                return null;
            }

            version = (await ReadAliasAsync(reference.Name, reference.EffectiveAlias, cancellationToken).ConfigureAwait(false)).Version;
            if (version is null)
            {
                return null;
            }
        }

        BlobDownloadResult download;
        try
        {
            download = (await VersionBlob(reference.Name, version.Value).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        var bytes = download.Content.ToArray();
        var sha = DocumentDigest.Of(bytes);
        if (download.Details.Metadata.TryGetValue(DigestMetadataKey, out var recorded) && !string.Equals(recorded, sha, StringComparison.Ordinal))
        {
            throw new InvalidDataException(
                $"Module '{reference.Name}' version {version.Value.ToString(CultureInfo.InvariantCulture)} does not match its recorded digest (stored {recorded}, read {sha}).");
        }

        var info = new ModuleVersionInfo(reference.Name, version.Value, CreatedAt(download.Details.CreatedOn, download.Details.LastModified), bytes.LongLength, sha);
        return new StoredModule(info, Utf8NoBom.GetString(bytes));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> ListModulesAsync(CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var names = new List<string>();

        // A name's folder exists only once a version is written (aliases need an existing version), so the
        // top-level prefixes are the modules.
        await foreach (var item in _container.GetBlobsByHierarchyAsync(BlobTraits.None, BlobStates.None, "/", prefix: null, cancellationToken).ConfigureAwait(false))
        {
            if (item.IsPrefix && item.Prefix.TrimEnd('/') is var name && ModuleNames.IsValidName(name))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModuleVersionInfo>> ListVersionsAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!ModuleNames.IsValidName(name))
        {
            return [];
        }

        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ModuleVersionInfo>();
        await foreach (var (version, blob) in ListVersionBlobsAsync(name, BlobTraits.Metadata, cancellationToken).ConfigureAwait(false))
        {
            if (!blob.Metadata.TryGetValue(DigestMetadataKey, out var sha) || !IsHexDigest(sha))
            {
                // Written by something else than this store: compute the digest once and record it (versions are immutable).
                sha = await ComputeAndRecordDigestAsync(name, version, cancellationToken).ConfigureAwait(false);
            }

            var props = blob.Properties;
            result.Add(new ModuleVersionInfo(name, version, CreatedAt(props.CreatedOn, props.LastModified ?? DateTimeOffset.MinValue), props.ContentLength ?? 0, sha));
        }

        result.Sort((a, b) => a.Version.CompareTo(b.Version));
        return result;
    }

    /// <inheritdoc />
    public async Task SetAliasAsync(string name, string alias, int version, CancellationToken cancellationToken = default)
    {
        ModuleNames.EnsureValidName(name);
        ModuleNames.EnsureValidAlias(alias);
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        if (version < 1 || !(await VersionBlob(name, version).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
        {
            throw new KeyNotFoundException($"Module '{name}' has no version {version.ToString(CultureInfo.InvariantCulture)}.");
        }

        while (true)
        {
            var current = await ReadAliasAsync(name, alias, cancellationToken).ConfigureAwait(false);
            if (await TryWriteAliasAsync(name, alias, version, current.ETag, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, int>> GetAliasesAsync(string name, CancellationToken cancellationToken = default)
    {
        var result = new SortedDictionary<string, int>(StringComparer.Ordinal);
        if (!ModuleNames.IsValidName(name))
        {
            return result;
        }

        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var prefix = $"{name}/{AliasesFolder}/";
        await foreach (var blob in _container.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            var alias = blob.Name[prefix.Length..];
            if (ModuleNames.IsValidAlias(alias) && blob.Metadata.TryGetValue(VersionMetadataKey, out var text) && ParseVersion(text) is { } v)
            {
                result[alias] = v;
            }
        }

        return result;
    }

    private Task EnsureContainerAsync(CancellationToken cancellationToken) => _containerReady.Value.WaitAsync(cancellationToken);

    private BlobClient VersionBlob(string name, int version) =>
        _container.GetBlobClient($"{name}/{VersionsFolder}/{version.ToString(CultureInfo.InvariantCulture)}{VersionSuffix}");

    private BlobClient AliasBlob(string name, string alias) => _container.GetBlobClient($"{name}/{AliasesFolder}/{alias}");

    private async IAsyncEnumerable<(int Version, BlobItem Blob)> ListVersionBlobsAsync(
        string name, BlobTraits traits, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = $"{name}/{VersionsFolder}/";
        await foreach (var blob in _container.GetBlobsAsync(traits, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
        {
            var stem = blob.Name[prefix.Length..];
            if (stem.EndsWith(VersionSuffix, StringComparison.Ordinal) && ParseVersion(stem[..^VersionSuffix.Length]) is { } version)
            {
                yield return (version, blob);
            }
        }
    }

    private async Task<int> MaxVersionAsync(string name, CancellationToken cancellationToken)
    {
        var max = 0;
        await foreach (var (version, _) in ListVersionBlobsAsync(name, BlobTraits.None, cancellationToken).ConfigureAwait(false))
        {
            max = Math.Max(max, version);
        }

        return max;
    }

    private async Task MoveLatestForwardAsync(string name, int version, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await ReadAliasAsync(name, ModuleRef.LatestAlias, cancellationToken).ConfigureAwait(false);
            if (current.Version >= version)
            {
                return; // A later publisher already moved it further.
            }

            if (await TryWriteAliasAsync(name, ModuleRef.LatestAlias, version, current.ETag, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task<(int? Version, ETag? ETag)> ReadAliasAsync(string name, string alias, CancellationToken cancellationToken)
    {
        try
        {
            var props = (await AliasBlob(name, alias).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            var version = props.Metadata.TryGetValue(VersionMetadataKey, out var text) ? ParseVersion(text) : null;
            return (version, props.ETag);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (null, null);
        }
    }

    /// <summary>Writes the alias only if it is still what was read (<paramref name="expected"/>; null: it did not exist).</summary>
    private async Task<bool> TryWriteAliasAsync(string name, string alias, int version, ETag? expected, CancellationToken cancellationToken)
    {
        var text = version.ToString(CultureInfo.InvariantCulture);
        var options = new BlobUploadOptions
        {
            Conditions = expected is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = new Dictionary<string, string> { [VersionMetadataKey] = text },
            HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain; charset=utf-8" },
        };
        try
        {
            await AliasBlob(name, alias).UploadAsync(BinaryData.FromString(text), options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (IsConflict(e))
        {
            return false;
        }
    }

    private async Task<string> ComputeAndRecordDigestAsync(string name, int version, CancellationToken cancellationToken)
    {
        var blob = VersionBlob(name, version);
        var download = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
        var sha = DocumentDigest.Of(download.Content.ToMemory().Span);
        var metadata = new Dictionary<string, string>(download.Details.Metadata) { [DigestMetadataKey] = sha };
        try
        {
            await blob.SetMetadataAsync(metadata, new BlobRequestConditions { IfMatch = download.Details.ETag }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsConflict(e))
        {
            // Someone else recorded it meanwhile; the digest of an immutable version is the same.
        }

        return sha;
    }

    private static bool IsConflict(RequestFailedException e) => e.Status is 409 or 412;

    private static int? ParseVersion(string text) =>
        text.Length > 0 && text[0] != '0' && text.All(char.IsAsciiDigit)
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static bool IsHexDigest(string text) => text.Length == 64 && text.All(char.IsAsciiHexDigitLower);

    private static DateTimeOffset CreatedAt(DateTimeOffset? createdOn, DateTimeOffset lastModified) =>
        createdOn is { } c && c != default ? c : lastModified;
}
