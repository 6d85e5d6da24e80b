using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Persistence;
using LogiLlm.Registry;
using Spectre.Console;

namespace LogiLlm.Cli.Commands;

/// <summary>
/// <c>logillm push</c> and <c>logillm pull</c> against the trainer's registry API (<c>/api/modules</c>), with the
/// admin key from <c>LOGILLM_API_KEY</c> sent as <c>X-Api-Key</c> (never an argument).
/// </summary>
public static class RegistryCommands
{
    /// <summary>Environment variable of the registry's admin key.</summary>
    public const string ApiKeyVariable = "LOGILLM_API_KEY";

    /// <summary>Environment variable of the default registry URL.</summary>
    public const string RegistryVariable = "LOGILLM_REGISTRY_URL";

    /// <summary>The header the key is sent in.</summary>
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>Creates <c>push</c>.</summary>
    public static Command CreatePush(CliEnvironment environment, GlobalOptions globals)
    {
        var model = new Argument<string>("MODEL") { Description = "The module file to upload." };
        var registry = RegistryOption();
        var name = new Option<string>("--name", "-n") { Description = "Module name in the registry (default: the file name without .json)." };
        var alias = new Option<string?>("--alias") { Description = "Also point this alias (e.g. production) at the new version." };
        var command = new Command("push", "Upload a module file to the registry as a new version (moves latest).") { model, registry, name, alias };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ctx = new CommandContext(parse, environment, globals, cancellationToken);
            var path = CommandContext.ExistingFile(parse.GetValue(model), "module file");
            // Validate here first: a file that does not load is bad input, and is never sent.
            ModuleLoader.LoadWithReport(path);
            var moduleName = parse.GetValue(name) is { Length: > 0 } n ? n : Path.GetFileNameWithoutExtension(path);
            if (!ModuleNames.IsValidName(moduleName))
            {
                throw CliException.BadInput($"--name '{moduleName}' is not a valid module name: use letters, digits, '.', '_' or '-'.");
            }

            var aliasName = parse.GetValue(alias);
            if (aliasName is not null && !ModuleNames.IsValidAlias(aliasName))
            {
                throw CliException.BadInput($"--alias '{aliasName}' is not a valid alias: letters, digits, '.', '_' or '-', not only digits.");
            }

            using var http = CreateClient(ctx, parse.GetValue(registry));
            var document = await File.ReadAllTextAsync(path, cancellationToken);
            using var content = new StringContent(document, Encoding.UTF8, "application/json");
            using var response = await http.PostAsync($"api/modules/{Uri.EscapeDataString(moduleName)}/versions", content, cancellationToken);
            await EnsureSuccessAsync(response, $"push {moduleName}", cancellationToken);
            var created = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
            var version = (int?)created["version"] ?? throw CliException.Failed("the registry answered without a version number.");
            if (aliasName is not null)
            {
                using var aliasResponse = await http.PutAsJsonAsync(
                    $"api/modules/{Uri.EscapeDataString(moduleName)}/aliases/{Uri.EscapeDataString(aliasName)}", new { version }, cancellationToken);
                await EnsureSuccessAsync(aliasResponse, $"alias {moduleName}@{aliasName}", cancellationToken);
            }

            ctx.Note($"Pushed [green]{Markup.Escape(moduleName)}@{version.ToString(CultureInfo.InvariantCulture)}[/]"
                + (aliasName is null ? string.Empty : $" and pointed [bold]{Markup.Escape(aliasName)}[/] at it") + ".");
            ctx.WriteJson(new JsonObject
            {
                ["name"] = moduleName,
                ["version"] = version,
                ["sha256"] = created["sha256"]?.DeepClone(),
                ["alias"] = aliasName,
            });
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Creates <c>pull</c>.</summary>
    public static Command CreatePull(CliEnvironment environment, GlobalOptions globals)
    {
        var reference = new Argument<string>("REF") { Description = "name, name@3 or name@alias (e.g. email_classifier@production)." };
        var registry = RegistryOption();
        var output = new Option<string>("--out", "-o") { Description = "Where to write the module file.", Required = true };
        var command = new Command("pull", "Download a module version from the registry into a file.") { reference, registry, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var ctx = new CommandContext(parse, environment, globals, cancellationToken);
            if (!ModuleRef.TryParse(parse.GetValue(reference), out var moduleRef))
            {
                throw CliException.BadInput($"'{parse.GetValue(reference)}' is not a module reference: use name, name@3 or name@alias.");
            }

            var outPath = Path.GetFullPath(parse.GetValue(output)!);
            if (Directory.Exists(outPath))
            {
                throw CliException.BadInput($"--out '{parse.GetValue(output)}' is a directory; give a file name.");
            }

            using var http = CreateClient(ctx, parse.GetValue(registry));
            var versionOrAlias = moduleRef.Version?.ToString(CultureInfo.InvariantCulture) ?? moduleRef.EffectiveAlias;
            using var response = await http.GetAsync($"api/modules/{Uri.EscapeDataString(moduleRef.Name)}/versions/{Uri.EscapeDataString(versionOrAlias)}", cancellationToken);
            await EnsureSuccessAsync(response, $"pull {moduleRef}", cancellationToken);
            var document = await response.Content.ReadAsStringAsync(cancellationToken);
            var version = response.Headers.TryGetValues("X-Module-Version", out var values) ? values.FirstOrDefault() : null;
            try
            {
                // Written only if it loads, so a pulled file is always one production can load.
                ModuleLoader.LoadFromString(document, new LoadOptions { RequireDigest = false });
            }
            catch (PersistenceException e)
            {
                throw CliException.Failed($"the registry returned a module that does not load: {e.Message}");
            }

            cancellationToken.ThrowIfCancellationRequested();
            Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
            var temp = outPath + ".tmp-" + Guid.NewGuid().ToString("n");
            try
            {
                await File.WriteAllTextAsync(temp, document, new UTF8Encoding(false), CancellationToken.None);
                File.Move(temp, outPath, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }

            ctx.Note($"Pulled [green]{Markup.Escape(moduleRef.Name)}@{Markup.Escape(version ?? versionOrAlias)}[/] into {Markup.Escape(outPath)}.");
            ctx.WriteJson(new JsonObject
            {
                ["name"] = moduleRef.Name,
                ["version"] = int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null,
                ["out"] = outPath,
            });
            return ExitCodes.Success;
        });
        return command;
    }

    private static Option<string?> RegistryOption() => new("--registry", "-r")
    {
        Description = $"The trainer's base URL, e.g. https://trainer.example.com (default: ${RegistryVariable}). The admin key is read from ${ApiKeyVariable}.",
    };

    private static HttpClient CreateClient(CommandContext ctx, string? registry)
    {
        var url = registry is { Length: > 0 } r ? r : ctx.Environment.GetEnvironmentVariable(RegistryVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw CliException.BadInput($"no registry: pass --registry URL or set {RegistryVariable}.");
        }

        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
        {
            throw CliException.BadInput($"--registry '{url}' is not an absolute http(s) URL.");
        }

        var http = ctx.Environment.RegistryHandler is { } handler ? new HttpClient(handler, disposeHandler: false) : new HttpClient();
        http.BaseAddress = baseAddress;
        http.Timeout = TimeSpan.FromSeconds(100);
        if (ctx.Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } key)
        {
            http.DefaultRequestHeaders.Add(ApiKeyHeader, key);
        }

        return http;
    }

    /// <summary>Maps a registry error (ProblemDetails) to one line: 400/404/409/413 are bad input, the rest a failure.</summary>
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        string? detail = null;
        try
        {
            var problem = JsonNode.Parse(body) as JsonObject;
            detail = string.Join(": ", new[] { (string?)problem?["title"], (string?)problem?["detail"] }.Where(s => !string.IsNullOrEmpty(s)));
            if (problem?["errors"] is JsonObject errors)
            {
                detail += " " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value?.AsArray().Select(x => (string?)x) ?? [])}"));
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        var status = (int)response.StatusCode;
        var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden ? $" (set {ApiKeyVariable} to the registry's admin key)" : string.Empty;
        var message = $"{what}: the registry answered {status} {response.ReasonPhrase}" + (string.IsNullOrWhiteSpace(detail) ? string.Empty : $": {detail.Trim()}") + hint;
        throw response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.RequestEntityTooLarge
            ? CliException.BadInput(message)
            : CliException.Failed(message);
    }
}
