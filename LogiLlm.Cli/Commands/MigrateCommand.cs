using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using Spectre.Console;

namespace LogiLlm.Cli.Commands;

/// <summary>
/// <c>logillm migrate MODEL</c>: LogiLLM's migration strategy for saved files: load with warnings, keep a backup,
/// re-save in the current format (with an integrity digest). <c>--check</c> only reports, and exits 1 when the
/// file would change.
/// </summary>
public static class MigrateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliEnvironment environment, GlobalOptions globals)
    {
        var model = new Argument<string>("MODEL") { Description = "The saved module file." };
        var check = new Option<bool>("--check") { Description = "Only report what a migration would change; exit code 1 when it would change the file." };
        var noBackup = new Option<bool>("--no-backup") { Description = "Do not keep a copy of the original file." };
        var command = new Command("migrate", "Re-save a module file in the current format, keeping a backup.") { model, check, noBackup };
        command.SetAction(parse =>
        {
            var ctx = new CommandContext(parse, environment, globals, CancellationToken.None);
            var loaded = ModuleFiles.Load(ctx, parse.GetValue(model));
            var path = loaded.Report.FilePath ?? Path.GetFullPath(parse.GetValue(model)!);
            var reasons = Reasons(loaded.Report);
            string? backup = null;
            var migrate = reasons.Count > 0 && !parse.GetValue(check);
            if (migrate)
            {
                if (!parse.GetValue(noBackup))
                {
                    backup = BackupPath(path);
                    File.Copy(path, backup, overwrite: false);
                }

                ModuleSaver.SaveModule(loaded.Module, path);
                // The migrated file must load as it will in production before we call it done.
                ModuleLoader.LoadWithReport(path, new LoadOptions { RequireDigest = true, StrictVersion = true });
            }

            var inv = CultureInfo.InvariantCulture;
            if (reasons.Count == 0)
            {
                ctx.Note($"[green]{Markup.Escape(path)}[/] is current (format {ModuleFileFormat.CurrentVersion}, digest verified); nothing to do.");
            }
            else
            {
                ctx.Note(migrate
                    ? $"Migrated [green]{Markup.Escape(path)}[/]" + (backup is null ? " (no backup kept)." : $"; the original is kept as [bold]{Markup.Escape(backup)}[/].")
                    : $"[yellow]{Markup.Escape(path)}[/] needs migrating:");
                foreach (var reason in reasons)
                {
                    ctx.Note($"  - {Markup.Escape(reason)}");
                }
            }

            ctx.WriteJson(new JsonObject
            {
                ["path"] = path,
                ["upToDate"] = reasons.Count == 0,
                ["migrated"] = migrate,
                ["backup"] = backup,
                ["savedFormatVersion"] = loaded.Report.SavedFormatVersion,
                ["currentFormatVersion"] = ModuleFileFormat.CurrentVersion,
                ["savedLibraryVersion"] = loaded.Report.SavedLibraryVersion,
                ["currentLibraryVersion"] = loaded.Report.CurrentLibraryVersion,
                ["reasons"] = new JsonArray(reasons.Select(r => (JsonNode)r).ToArray()),
            });
            return parse.GetValue(check) && reasons.Count > 0 ? ExitCodes.Failed : ExitCodes.Success;
        });
        return command;
    }

    /// <summary>What re-saving would change; empty when the file is current.</summary>
    internal static List<string> Reasons(LoadReport report)
    {
        var reasons = new List<string>();
        if (report.Migrated)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"format version {report.SavedFormatVersion} -> {ModuleFileFormat.CurrentVersion}"));
        }

        if (report.Digest == DigestStatus.Absent)
        {
            reasons.Add("no integrity digest (e.g. written by Python LogiLLM): one is added");
        }

        if (!string.Equals(report.SavedLibraryVersion, report.CurrentLibraryVersion, StringComparison.Ordinal))
        {
            reasons.Add($"written by logillm {report.SavedLibraryVersion ?? "(unknown)"}, current {report.CurrentLibraryVersion}");
        }

        foreach (var ignored in report.Diagnostics.Where(d => d.Code == LoadDiagnostic.Ignored))
        {
            reasons.Add($"dropped: {ignored.Message}");
        }

        return reasons;
    }

    private static string BackupPath(string path)
    {
        var candidate = path + ".bak";
        return File.Exists(candidate)
            ? $"{path}.{DateTimeOffset.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.bak"
            : candidate;
    }
}
