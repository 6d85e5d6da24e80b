using System.ComponentModel.DataAnnotations;

namespace LogiLlm.Trainer.Registry;

/// <summary>Where the trainer keeps its module registry (<c>Registry</c> section).</summary>
public sealed class RegistryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Registry";

    /// <summary>Name of the connection string of the blob storage account (<c>ConnectionStrings:registry-storage</c>).</summary>
    public const string StorageConnectionName = "registry-storage";

    /// <summary><c>file</c> (a folder, see <see cref="Path"/>) or <c>blob</c> (Azure Blob Storage or Azurite).</summary>
    [RegularExpression("^(?i:file|blob)$", ErrorMessage = "Registry:Store must be 'file' or 'blob'.")]
    public string Store { get; set; } = "file";

    /// <summary>Root folder of the file registry; empty means <c>data/registry</c> under the content root.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Blob container of the blob registry.</summary>
    [RegularExpression("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", ErrorMessage = "Registry:Container must be a valid blob container name.")]
    public string Container { get; set; } = "modules";

    /// <summary>Largest module document accepted on import, in bytes.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxDocumentBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>True when the registry lives in blob storage.</summary>
    public bool UsesBlobStorage => Store.Equals("blob", StringComparison.OrdinalIgnoreCase);
}
