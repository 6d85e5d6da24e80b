using LogiLlm.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogiLlm.Hosting;

/// <summary>
/// The signing key of a service's module files (<c>ModuleSigning</c> section; the AppHost passes the secret parameter
/// <c>module-signing-key</c> as <c>ModuleSigning:Key</c>). With a key, the trainer signs every version it publishes and
/// inference loads only versions signed by it; without one, files are neither signed nor required to be.
/// </summary>
public sealed class ModuleSigningSettings
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "ModuleSigning";

    /// <summary>The shared secret: base64 of at least 32 bytes, or text of at least 32 characters. Never logged.</summary>
    public string? Key { get; set; }

    /// <summary>The key id written to signed files; empty = derived from the key (a one-way hash).</summary>
    public string? KeyId { get; set; }

    /// <summary>The signing key, or null when none is configured.</summary>
    /// <exception cref="InvalidOperationException">The key is too short.</exception>
    public ModuleSigningKey? CreateKey()
    {
        if (string.IsNullOrWhiteSpace(Key))
        {
            return null;
        }

        try
        {
            return ModuleSigningKey.FromSecretText(Key, string.IsNullOrWhiteSpace(KeyId) ? null : KeyId);
        }
        catch (ArgumentException e)
        {
            // The message describes the length rule, never the value.
            throw new InvalidOperationException($"{SectionName}:Key is not a usable signing key: {e.Message}", e);
        }
    }
}

/// <summary>The save and load options of a service's module files, with its signing key applied.</summary>
/// <param name="Key">The configured key, or null.</param>
public sealed record ModuleFileOptions(ModuleSigningKey? Key)
{
    /// <summary>Options for what the service publishes: signed when a key is configured.</summary>
    public SaveOptions Save { get; } = new() { SigningKey = Key };

    /// <summary>Options for what the service serves: a signature by the key is required when one is configured.</summary>
    public LoadOptions Require { get; } = Key is null ? new() : new() { TrustedSigningKeys = [Key], RequireSignature = true };

    /// <summary>Options for re-reading the service's own older versions: a signature is checked when present, not required.</summary>
    public LoadOptions VerifyIfSigned { get; } = Key is null ? new() : new() { TrustedSigningKeys = [Key] };
}

/// <summary>Registers <see cref="ModuleFileOptions"/> from the <c>ModuleSigning</c> section.</summary>
public static class ModuleSigningServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="ModuleFileOptions"/> singleton built from the (bound) <see cref="ModuleSigningSettings"/>.</summary>
    public static IServiceCollection AddLogiLlmModuleSigning(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ModuleSigningSettings>();
        services.AddSingleton(sp => new ModuleFileOptions(sp.GetRequiredService<IOptions<ModuleSigningSettings>>().Value.CreateKey()));
        return services;
    }
}
