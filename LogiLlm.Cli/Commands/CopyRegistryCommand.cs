using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Azure;
using LogiLlm.Registry;
using Spectre.Console;

namespace LogiLlm.Cli.Commands;

/// <summary>
/// <c>logillm copy-registry --from file:DIR --to blob:CONTAINER</c>: copies a whole registry (every version under the
/// same number, so the same digests, and every alias) into another store and verifies the copy
/// (<see cref="RegistryMigration.CopyAsync"/>). A blob store's connection string is read from
/// <c>LOGILLM_REGISTRY_STORAGE</c>, never from an argument, so it stays out of shell history and process lists.
/// Either side may be a folder or a blob container: file to blob moves a local registry to production storage, blob
/// to file makes a local backup.
/// </summary>
public static class CopyRegistryCommand
{
    /// <summary>Environment variable holding the storage connection string of a <c>blob:</c> store.</summary>
    public const string StorageVariable = "LOGILLM_REGISTRY_STORAGE";

    /// <summary>Creates the command.</summary>
    public static Command Create(CliEnvironment environment, GlobalOptions globals)
    {
        var from = new Option<string>("--from") { Description = "The registry to copy: file:DIR (a file-system registry) or blob:CONTAINER.", Required = true };
        var to = new Option<string>("--to") { Description = $"Where to copy it: file:DIR or blob:CONTAINER (the account's connection string from ${StorageVariable}).", Required = true };
        var command = new Command("copy-registry", "Copy a module registry (all versions, digests and aliases) into another store and verify the copy.") { from, to };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ctx = new CommandContext(parse, environment, globals, cancellationToken);
            var source = OpenStore(environment, "--from", parse.GetValue(from), mustExist: true);
            var target = OpenStore(environment, "--to", parse.GetValue(to), mustExist: false);
            if (string.Equals(source.Description, target.Description, StringComparison.Ordinal))
            {
                throw CliException.BadInput("--from and --to name the same registry.");
            }

            ctx.Status($"Copying {source.Description} into {target.Description} ...");
            RegistryMigrationReport report;
            try
            {
                report = await RegistryMigration.CopyAsync(source.Store, target.Store, cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                // The copy does not verify or the target holds other documents: nothing in the source changed.
                throw CliException.Failed(e.Message);
            }
            catch (RequestFailedException e)
            {
                throw CliException.Failed($"blob storage answered {e.Status.ToString(CultureInfo.InvariantCulture)} ({e.ErrorCode ?? "no error code"}); check ${StorageVariable} and the container name.");
            }

            ctx.Note($"Copied [green]{report.VersionsCopied.ToString(CultureInfo.InvariantCulture)}[/] versions of {report.Modules.Count.ToString(CultureInfo.InvariantCulture)} modules "
                + $"({report.VersionsAlreadyPresent.ToString(CultureInfo.InvariantCulture)} already there) and {report.Aliases.ToString(CultureInfo.InvariantCulture)} aliases "
                + $"into {Markup.Escape(target.Description)}; every version reads back with the source's digest.");
            ctx.WriteJson(new JsonObject
            {
                ["from"] = source.Description,
                ["to"] = target.Description,
                ["modules"] = new JsonArray(report.Modules.Select(m => (JsonNode)m).ToArray()),
                ["versionsCopied"] = report.VersionsCopied,
                ["versionsAlreadyPresent"] = report.VersionsAlreadyPresent,
                ["aliases"] = report.Aliases,
                ["verified"] = true,
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static (IModuleStore Store, string Description) OpenStore(CliEnvironment environment, string option, string? spec, bool mustExist)
    {
        var colon = spec?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        var kind = colon > 0 ? spec![..colon] : null;
        var value = colon > 0 ? spec![(colon + 1)..] : null;
        switch (kind)
        {
            case "file" when !string.IsNullOrWhiteSpace(value):
                var path = Path.GetFullPath(value);
                if (mustExist && !Directory.Exists(path))
                {
                    throw CliException.BadInput($"{option}: the folder '{path}' does not exist.");
                }

                if (File.Exists(path))
                {
                    throw CliException.BadInput($"{option}: '{path}' is a file, not a registry folder.");
                }

                return (new FileSystemModuleStore(path), "file:" + path);
            case "blob" when !string.IsNullOrWhiteSpace(value):
                if (!IsContainerName(value))
                {
                    throw CliException.BadInput($"{option}: '{value}' is not a blob container name (3-63 lower-case letters, digits and single hyphens).");
                }

                var connectionString = environment.GetEnvironmentVariable(StorageVariable);
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw CliException.BadInput($"{option} is a blob store: set ${StorageVariable} to the storage account's connection string.");
                }

                try
                {
                    var store = AzureBlobModuleStore.FromConnectionString(connectionString, value);
                    return (store, "blob:" + value);
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                    // The message of a malformed connection string may quote it: never echo it.
                    throw CliException.BadInput($"${StorageVariable} is not a valid storage connection string.");
                }

            default:
                // Not echoed: a connection string pasted here by mistake must not reach the terminal or a CI log.
                throw CliException.BadInput($"{option} is not a registry: use file:DIR or blob:CONTAINER.");
        }
    }

    private static bool IsContainerName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);
}
