using System.ComponentModel.DataAnnotations;

namespace LogiLlm.Trainer.Registry;

/// <summary>Where the trainer keeps its module registry (<c>Registry</c> section).</summary>
public sealed class RegistryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Registry";

    /// <summary>Root folder of the registry; empty means <c>data/registry</c> under the content root.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Largest module document accepted on import, in bytes.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxDocumentBytes { get; set; } = 64 * 1024 * 1024;
}
