using System.Collections.Frozen;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Registry;
using Microsoft.Extensions.Options;

namespace LogiLlm.Inference.Modules;

/// <summary>
/// Modules baked into the deployment (<see cref="InferenceOptions.ModulesPath"/>), consulted before the cache and the
/// trainer: a name found in the folder is always served from its file, with or without a trainer. The folder is
/// loaded and validated when the service starts, and a file that does not load stops the start with its loader
/// message: an image must not come up serving less than it was built with.
/// </summary>
/// <remarks>
/// A baked file is version <see cref="Version"/> of its name; <c>name</c>, <c>name@1</c> and <c>name@any-alias</c>
/// resolve to it (the folder pins what the deployment serves), other version numbers are not found.
/// </remarks>
public sealed class BakedModules(
    IOptions<InferenceOptions> options,
    IHostEnvironment environment,
    Provider provider,
    LogiLlm.Hosting.ModuleFileOptions files,
    ILogger<BakedModules> logger) : IHostedService
{
    /// <summary>The version number a baked module reports.</summary>
    public const int Version = 1;

    private FrozenDictionary<string, ResolvedModule> _modules = FrozenDictionary<string, ResolvedModule>.Empty;

    /// <summary>The folder in use (absolute), or null when none is configured.</summary>
    public string? Folder { get; private set; }

    /// <summary>Names of the baked modules.</summary>
    public IReadOnlyCollection<string> Names => _modules.Keys;

    /// <summary>
    /// True when <paramref name="reference"/> names a baked module; <paramref name="module"/> is then the module, or
    /// null when it asks for a version number the folder does not hold.
    /// </summary>
    public bool TryResolve(ModuleRef reference, out ResolvedModule? module)
    {
        if (!_modules.TryGetValue(reference.Name, out var baked))
        {
            module = null;
            return false;
        }

        module = reference.Version is null or Version ? baked : null;
        return true;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Load();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Loads and validates every module file of the folder.</summary>
    /// <exception cref="InvalidOperationException">The folder is missing, or a file has an invalid name or does not load.</exception>
    internal void Load()
    {
        if (string.IsNullOrWhiteSpace(options.Value.ModulesPath))
        {
            return;
        }

        var folder = Path.GetFullPath(options.Value.ModulesPath, environment.ContentRootPath);
        if (!Directory.Exists(folder))
        {
            throw Fail($"Inference:ModulesPath '{folder}' is not a folder; bake the module files there or unset the setting.");
        }

        var modules = new Dictionary<string, ResolvedModule>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!ModuleNames.IsValidName(name))
            {
                throw Fail($"Inference:ModulesPath: '{Path.GetFileName(file)}' does not make a module name (letters, digits, '.', '_' or '-', not starting with '.' or '-').");
            }

            modules[name] = LoadFile(name, file);
        }

        if (modules.Count == 0)
        {
            logger.LogWarning("Inference:ModulesPath '{Folder}' holds no module file (*.json); every module comes from the registry.", folder);
        }
        else
        {
            logger.LogInformation("Serving {Count} baked module(s) from {Folder}: {Names}", modules.Count, folder, string.Join(", ", modules.Keys));
        }

        Folder = folder;
        _modules = modules.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private ResolvedModule LoadFile(string name, string file)
    {
        byte[] bytes;
        Module module;
        try
        {
            bytes = File.ReadAllBytes(file);
            // With ModuleSigning:Key set, a baked file must be signed with it too: the folder is no way around the policy.
            module = ModuleLoader.LoadFromBytes(bytes, files.Require).Module;
        }
        catch (Exception e) when (e is PersistenceException or IOException or UnauthorizedAccessException)
        {
            throw Fail($"Inference:ModulesPath: the baked module '{file}' does not load: {e.Message}", e);
        }

        module.Provider = provider;
        var mismatch = BakedProviderMismatch(module.SavedProvider);
        if (mismatch is not null)
        {
            logger.LogWarning("Baked module {Module}: {ProviderMismatch}", name, mismatch);
        }

        return new ResolvedModule(name, Version, module, DocumentDigest.Of(bytes), mismatch);
    }

    private string? BakedProviderMismatch(SavedProviderConfig? saved) =>
        saved is null
        || (string.Equals(saved.Name, provider.Name, StringComparison.OrdinalIgnoreCase)
            && (string.IsNullOrEmpty(saved.Model) || string.Equals(saved.Model, provider.Model, StringComparison.OrdinalIgnoreCase)))
            ? null
            : $"saved with provider '{saved.Name}' model '{saved.Model}', served with provider '{provider.Name}' model '{provider.Model}'; answers may differ from the ones it was optimized for.";

    private InvalidOperationException Fail(string message, Exception? inner = null)
    {
        logger.LogCritical("{Message}", message);
        return new InvalidOperationException(message, inner);
    }
}
