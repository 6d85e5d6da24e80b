using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using LogiLlm.Signatures;
using Spectre.Console;

namespace LogiLlm.Cli.Commands;

/// <summary>
/// <c>logillm inspect MODEL</c>: what a saved file holds without running it: type, signature, config, demos,
/// provider, lineage, digest status and the loader's warnings; <c>--json</c> for scripts.
/// </summary>
public static class InspectCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create(CliEnvironment environment, GlobalOptions globals)
    {
        var model = new Argument<string>("MODEL") { Description = "The saved module file." };
        var command = new Command("inspect", "Summarize a saved module file (type, signature, config, demos, provider, lineage, digest, warnings).") { model };
        command.SetAction(parse =>
        {
            var ctx = new CommandContext(parse, environment, globals, CancellationToken.None);
            var path = CommandContext.ExistingFile(parse.GetValue(model), "module file");
            var options = new LoadOptions { Password = SecurityCommands.Password(ctx) };
            var summary = ModuleInspector.Inspect(path, options);
            var report = ModuleLoader.LoadWithReport(path, options).Report;
            var lineage = report.Encrypted || report.Compression != ModuleCompression.None || report.Format != SerializationFormat.Json ? null : ReadLineage(path);
            Render(ctx, path, summary, lineage, report);
            var json = ToJson(path, summary, lineage);
            json["signatureStatus"] = report.Signature.ToString().ToLowerInvariant();
            json["signingKeyId"] = report.SigningKeyId;
            json["encrypted"] = report.Encrypted;
            json["compression"] = report.Compression.ToString().ToLowerInvariant();
            json["serialization"] = report.Format.ToString().ToLowerInvariant();
            ctx.WriteJson(json);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The summary as JSON.</summary>
    internal static JsonObject ToJson(string path, ModuleSummary s, JsonNode? lineage) => new()
    {
        ["path"] = path,
        ["moduleType"] = s.ModuleType,
        ["moduleClass"] = s.ModuleClass,
        ["state"] = s.State,
        ["libraryVersion"] = s.LibraryVersion,
        ["formatVersion"] = s.FormatVersion,
        ["currentFormatVersion"] = ModuleFileFormat.CurrentVersion,
        ["saveTimestamp"] = s.SaveTimestamp,
        ["signature"] = s.Signature?.ToString(),
        ["instructions"] = s.Signature?.Instructions,
        ["inputs"] = Fields(s.Signature?.InputFields),
        ["outputs"] = Fields(s.Signature?.OutputFields),
        ["config"] = s.Config.DeepClone(),
        ["demos"] = new JsonObject
        {
            ["count"] = s.DemoCount,
            ["teacherCount"] = s.TeacherDemoCount,
            ["max"] = s.MaxDemos,
            ["selectionStrategy"] = s.SelectionStrategy,
        },
        ["adapter"] = s.Adapter,
        ["provider"] = s.Provider is { } p ? new JsonObject { ["name"] = p.Name, ["model"] = p.Model } : null,
        ["lineage"] = lineage?.DeepClone(),
        ["digest"] = DigestText(s.Digest),
        ["children"] = new JsonObject(s.Children.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)ToJson(path, c.Value, null)))),
        ["warnings"] = new JsonArray(s.Diagnostics.Where(d => d.IsWarning).Select(d => (JsonNode)new JsonObject
        {
            ["code"] = d.Code,
            ["message"] = d.Message,
            ["jsonPath"] = d.JsonPath,
        }).ToArray()),
    };

    /// <summary>The digest status as the file's reader sees it.</summary>
    internal static string DigestText(DigestStatus status) => status switch
    {
        DigestStatus.Verified => "verified",
        DigestStatus.Absent => "absent",
        _ => "not-checked",
    };

    private static JsonArray Fields(IReadOnlyList<FieldSpec>? fields) =>
        new((fields ?? []).Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.Type.ToString(), ["description"] = f.Description, ["required"] = f.Required }).ToArray());

    /// <summary>The optimizer's lineage record (<c>metadata.optimization</c>), read from the already validated file.</summary>
    private static JsonNode? ReadLineage(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["metadata"]?["optimization"];
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Score(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<double>(out var d) ? d.ToString("0.###", CultureInfo.InvariantCulture) : "?";

    private static void Render(CommandContext ctx, string path, ModuleSummary s, JsonNode? lineage, LoadReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string? value) => grid.AddRow(new Markup($"[bold]{name}[/]"), new Text(value ?? "-"));
        Row("file", path);
        Row("type", $"{s.ModuleType} ({s.State})" + (s.ModuleClass is { } c ? $", class {c}" : string.Empty));
        Row("signature", s.Signature?.ToString());
        if (s.Signature?.Instructions is { } instructions) Row("instructions", instructions);
        Row("config", s.Config.Count == 0 ? "{}" : s.Config.ToJsonString());
        Row("demos", string.Create(inv, $"{s.DemoCount} (max {s.MaxDemos}, {s.SelectionStrategy}), teacher demos {s.TeacherDemoCount}"));
        Row("adapter", s.Adapter);
        Row("provider", s.Provider is { } p ? $"{p.Name} ({p.Model})" : "none saved");
        Row("written by", string.Create(inv, $"logillm {s.LibraryVersion ?? "?"}, format {s.FormatVersion} (current {ModuleFileFormat.CurrentVersion}), {s.SaveTimestamp ?? "no timestamp"}"));
        Row("digest", DigestText(s.Digest));
        Row("signature", report.Signature == SignatureStatus.Absent ? "not signed" : $"{report.Signature.ToString().ToLowerInvariant()} (key {report.SigningKeyId})");
        Row("stored as", $"{report.Format.ToString().ToLowerInvariant()}, compression {report.Compression.ToString().ToLowerInvariant()}, {(report.Encrypted ? "encrypted" : "not encrypted")}");
        if (lineage is JsonObject l)
        {
            Row("lineage", string.Create(inv,
                $"{(string?)l["optimizer"]} on {l["dataset_size"]} examples, {(string?)l["metric"]} {Score(l["baseline_score"])} -> {Score(l["best_score"])}, {l["trials"]} trials, seed {l["seed"]}, {(string?)l["finished_at"]}"));
        }
        else
        {
            Row("lineage", "not optimized");
        }

        foreach (var child in s.Children)
        {
            Row($"child {child.Key}", $"{child.Value.ModuleType}: {child.Value.Signature}");
        }

        var warnings = s.Diagnostics.Where(d => d.IsWarning).ToList();
        Row("warnings", warnings.Count == 0 ? "none" : string.Join(Environment.NewLine, warnings.Select(w => $"{w.Code}: {w.Message}")));
        ctx.Show(grid);
    }
}
