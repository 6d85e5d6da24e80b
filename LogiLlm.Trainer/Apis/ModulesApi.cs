using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Hosting;
using LogiLlm.Persistence;
using LogiLlm.Registry;
using LogiLlm.Trainer.Registry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LogiLlm.Trainer.Apis;

/// <summary>The module registry: list, read, import and promote saved modules.</summary>
/// <remarks>
/// Longer than most files: one endpoint group (the registry API) mapped in one place, as eShop's APIs are, with its
/// small handlers beside the map so that routes, names and result unions are read together.
/// </remarks>
public static class ModulesApi
{
    /// <summary>Response header carrying the version a request resolved to.</summary>
    public const string VersionHeader = "X-Module-Version";

    /// <summary>Maps <c>/api/modules</c>.</summary>
    public static IEndpointRouteBuilder MapModulesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/modules").WithTags("Registry");
        var maxDocumentBytes = app.ServiceProvider.GetRequiredService<IOptions<RegistryOptions>>().Value.MaxDocumentBytes;

        api.MapGet("/", ListModules)
            .WithName("ListModules").WithSummary("Lists the modules in the registry with their aliases.");
        api.MapGet("/{name}/versions", ListVersions)
            .WithName("ListVersions").WithSummary("Lists the immutable versions of a module.");
        api.MapGet("/{name}/versions/{version}", GetVersion)
            .WithName("GetVersion").WithSummary("Returns the saved module document of a version or alias (e.g. 3, latest).");
        api.MapPost("/{name}/versions", ImportVersion)
            .WithName("ImportVersion").WithSummary("Imports a saved module file (ours or Python LogiLLM's) as a new version; the loader validates it and the registry stores it in the current format without credentials.")
            .Accepts<object>("application/json")
            .WithRequestBodyLimit(maxDocumentBytes, $"{RegistryOptions.SectionName}:{nameof(RegistryOptions.MaxDocumentBytes)}")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .DisableAntiforgery();
        api.MapPost("/{name}/versions/{version}/derive", DeriveVersion)
            .WithName("DeriveVersion").WithSummary("Creates a new version from an existing one with config, instructions or demos changed, without re-training; its metadata.derived_from names the source and what changed.");
        api.MapPut("/{name}/aliases/{alias}", SetAlias)
            .WithName("SetAlias").WithSummary("Points an alias such as production at an existing version.");

        return app;
    }

    /// <summary>A module and its aliases.</summary>
    public sealed record ModuleSummary(string Name, int LatestVersion, IReadOnlyDictionary<string, int> Aliases);

    /// <summary>The versions of one module.</summary>
    public sealed record ModuleVersions(string Name, IReadOnlyList<ModuleVersionInfo> Versions, IReadOnlyDictionary<string, int> Aliases);

    /// <summary>The version created by an import.</summary>
    public sealed record ImportedVersion(string Name, int Version, string Sha256);

    /// <summary>Body of a derivation: config keys to set (null removes), new instructions, demos to remove (indices) and add.</summary>
    public sealed record DeriveRequest(JsonObject? Config, string? Instructions, DemoChanges? Demos);

    /// <summary>Demo changes of a derivation: indices into the source's demos to remove, then demos (<c>inputs</c>, <c>outputs</c>, optional <c>score</c>, <c>source</c>) to add.</summary>
    public sealed record DemoChanges(int[]? Remove, JsonObject[]? Add);

    /// <summary>The version created by a derivation.</summary>
    public sealed record DerivedVersion(string Name, int Version, string Sha256, string DerivedFrom, JsonObject Changes);

    /// <summary>Body of an alias promotion.</summary>
    public sealed record AliasRequest(int? Version);

    internal static async Task<Ok<IReadOnlyList<ModuleSummary>>> ListModules(IModuleStore store, CancellationToken cancellationToken)
    {
        var names = await store.ListModulesAsync(cancellationToken);
        var summaries = new List<ModuleSummary>(names.Count);
        foreach (var name in names)
        {
            var aliases = await store.GetAliasesAsync(name, cancellationToken);
            summaries.Add(new ModuleSummary(name, aliases.GetValueOrDefault(ModuleRef.LatestAlias), aliases));
        }

        return TypedResults.Ok<IReadOnlyList<ModuleSummary>>(summaries);
    }

    internal static async Task<Results<Ok<ModuleVersions>, ProblemHttpResult>> ListVersions(
        string name, IModuleStore store, CancellationToken cancellationToken)
    {
        if (!ModuleNames.IsValidName(name))
        {
            return TypedResults.Problem(InvalidName(name));
        }

        var versions = await store.ListVersionsAsync(name, cancellationToken);
        if (versions.Count == 0)
        {
            return TypedResults.Problem(UnknownModule(name));
        }

        return TypedResults.Ok(new ModuleVersions(name, versions, await store.GetAliasesAsync(name, cancellationToken)));
    }

    internal static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetVersion(
        string name, string version, HttpResponse response, IModuleStore store, CancellationToken cancellationToken)
    {
        if (!ModuleRef.TryParse($"{name}@{version}", out var reference))
        {
            return TypedResults.Problem(Problem("Invalid module reference", $"'{name}@{version}' is not a module name with a version number or alias."));
        }

        var stored = await store.GetAsync(reference, cancellationToken);
        if (stored is null)
        {
            return TypedResults.Problem(Problem("Module version not found", $"The registry has no module '{reference}'.", StatusCodes.Status404NotFound));
        }

        response.Headers[VersionHeader] = stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers.ETag = $"\"{stored.Info.Sha256}\"";
        return TypedResults.Content(stored.Document, "application/json", Encoding.UTF8);
    }

    internal static async Task<Results<Created<ImportedVersion>, ProblemHttpResult>> ImportVersion(
        string name,
        HttpRequest request,
        IModuleStore store,
        ModuleChangePublisher publisher,
        IOptions<RegistryOptions> options,
        ModuleFileOptions files,
        ILogger<ModuleChange> logger,
        CancellationToken cancellationToken)
    {
        if (!ModuleNames.IsValidName(name))
        {
            return TypedResults.Problem(InvalidName(name));
        }

        var document = await ReadBodyAsync(request, options.Value.MaxDocumentBytes, cancellationToken);

        string canonical;
        try
        {
            // Validate exactly as production will load it; nothing is written unless this succeeds. The registry keeps
            // the document as our saver writes it: current format, integrity digest, and no credential that an
            // uploaded file may carry.
            var module = ModuleLoader.LoadFromString(document, new LoadOptions { MaxBytes = options.Value.MaxDocumentBytes });
            canonical = ModuleSaver.SaveToString(module, files.Save);
        }
        catch (PersistenceException ex)
        {
            return TypedResults.Problem(Problem("Invalid module file", ex.Message, extensions: ex.JsonPath is null ? null : new() { ["jsonPath"] = ex.JsonPath }));
        }

        var info = await store.PublishAsync(name, canonical, cancellationToken);
        logger.LogInformation("Imported module {Module} as version {Version}", name, info.Version);
        // The version is written: that is the operation. The announcement is best-effort and retried in the background.
        publisher.Announce(new ModuleChange(name, info.Version, [ModuleRef.LatestAlias]));
        return TypedResults.Created($"/api/modules/{name}/versions/{info.Version}", new ImportedVersion(name, info.Version, info.Sha256));
    }

    internal static async Task<Results<Created<DerivedVersion>, ProblemHttpResult, ValidationProblem>> DeriveVersion(
        string name,
        string version,
        DeriveRequest body,
        IModuleStore store,
        ModuleChangePublisher publisher,
        ModuleFileOptions files,
        ILogger<ModuleChange> logger,
        CancellationToken cancellationToken)
    {
        if (!ModuleRef.TryParse($"{name}@{version}", out var reference))
        {
            return TypedResults.Problem(Problem("Invalid module reference", $"'{name}@{version}' is not a module name with a version number or alias."));
        }

        var errors = new Dictionary<string, string[]>();
        var demos = new List<Demo>();
        foreach (var (item, i) in (body.Demos?.Add ?? []).Select((d, i) => (d, i)))
        {
            var at = $"demos.add[{i}]";
            if (item?["inputs"] is not JsonObject inputs || inputs.Count == 0)
            {
                errors[$"{at}.inputs"] = ["Each added demo needs an 'inputs' object with at least one field."];
                continue;
            }

            if (item["outputs"] is not JsonObject outputs || outputs.Count == 0)
            {
                errors[$"{at}.outputs"] = ["Each added demo needs an 'outputs' object with at least one field."];
                continue;
            }

            double score = 1.0;
            if (item["score"] is { } scoreNode && (scoreNode is not JsonValue sv || !sv.TryGetValue(out score) || score is < 0 or > 1 || double.IsNaN(score)))
            {
                errors[$"{at}.score"] = ["The score is a number in [0, 1]."];
                continue;
            }

            string demoSource = "manual";
            if (item["source"] is { } sourceNode && (sourceNode is not JsonValue so || !so.TryGetValue(out demoSource!) || string.IsNullOrWhiteSpace(demoSource)))
            {
                errors[$"{at}.source"] = ["The source is a non-empty string."];
                continue;
            }

            demos.Add(Demo.Create(inputs.DeepClone(), outputs.DeepClone(), score, demoSource));
        }

        var changes = new ModuleDerivation
        {
            Config = body.Config?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal),
            Instructions = body.Instructions,
            RemoveDemos = body.Demos?.Remove,
            AddDemos = demos,
        };
        if (errors.Count == 0 && changes.IsEmpty)
        {
            errors["body"] = ["Nothing to change: give config, instructions, demos.remove or demos.add."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var stored = await store.GetAsync(reference, cancellationToken);
        if (stored is null)
        {
            return TypedResults.Problem(Problem("Module version not found", $"The registry has no module '{reference}'.", StatusCodes.Status404NotFound));
        }

        var source = $"{name}@{stored.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        string document;
        Module derived;
        try
        {
            derived = ModuleLoader.LoadFromString(stored.Document, files.VerifyIfSigned).Derive(changes with { DerivedFrom = source });
            document = ModuleSaver.SaveToString(derived, files.Save);
            // The new version must load exactly as production will load it (types and ranges of the changed config, the signature).
            _ = ModuleLoader.LoadFromString(document, files.Require);
        }
        catch (ArgumentException ex)
        {
            var key = changes.RemoveDemos is { Count: > 0 } && ex.Message.StartsWith("Demo indices", StringComparison.Ordinal) ? "demos.remove"
                : ex.Message.Contains("instructions", StringComparison.Ordinal) ? "instructions" : "config";
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [key] = [ex.Message] });
        }
        catch (PersistenceException ex)
        {
            return TypedResults.Problem(Problem("Invalid derived module", ex.Message, extensions: ex.JsonPath is null ? null : new() { ["jsonPath"] = ex.JsonPath }));
        }

        var info = await store.PublishAsync(name, document, cancellationToken);
        logger.LogInformation("Derived module {Module} version {Version} from {Source}", name, info.Version, source);
        publisher.Announce(new ModuleChange(name, info.Version, [ModuleRef.LatestAlias]));
        var what = (JsonObject)derived.Metadata[Module.DerivedFromKey]!["changes"]!.DeepClone();
        return TypedResults.Created($"/api/modules/{name}/versions/{info.Version}", new DerivedVersion(name, info.Version, info.Sha256, source, what));
    }

    internal static async Task<Results<Ok<ModuleVersions>, ProblemHttpResult, ValidationProblem>> SetAlias(
        string name, string alias, AliasRequest body, IModuleStore store, ModuleChangePublisher publisher, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (!ModuleNames.IsValidName(name))
        {
            errors["name"] = [InvalidName(name).Detail!];
        }

        if (!ModuleNames.IsValidAlias(alias) || alias.All(char.IsAsciiDigit))
        {
            errors["alias"] = [$"'{alias}' is not a valid alias: use letters, digits, '.', '_' or '-', not only digits."];
        }

        if (body.Version is not > 0)
        {
            errors["version"] = ["The version to point the alias at is required and must be 1 or more."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            await store.SetAliasAsync(name, alias, body.Version!.Value, cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            return TypedResults.Problem(Problem("Module version not found", $"The registry has no module '{name}@{body.Version}'.", StatusCodes.Status404NotFound));
        }

        publisher.Announce(new ModuleChange(name, body.Version!.Value, [alias]));
        return TypedResults.Ok(new ModuleVersions(name, await store.ListVersionsAsync(name, cancellationToken), await store.GetAliasesAsync(name, cancellationToken)));
    }

    private static async Task<string> ReadBodyAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                // Also enforced by the request body limit of the endpoint; this keeps the handler safe on its own.
                throw new RequestBodyTooLargeException(new RequestBodyLimit(maxBytes, $"{RegistryOptions.SectionName}:{nameof(RegistryOptions.MaxDocumentBytes)}"));
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static ProblemDetails InvalidName(string name) =>
        Problem("Invalid module name", $"'{name}' is not a valid module name: use letters, digits, '.', '_' or '-' (at most {ModuleNames.MaxLength} characters, not starting with '.' or '-').");

    private static ProblemDetails UnknownModule(string name) =>
        Problem("Module not found", $"The registry has no module named '{name}'.", StatusCodes.Status404NotFound);

    private static ProblemDetails Problem(string title, string detail, int status = StatusCodes.Status400BadRequest, Dictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Title = title, Detail = detail, Status = status };
        foreach (var (key, value) in extensions ?? [])
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }
}
