using LogiLlm.Inference.Modules;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace LogiLlm.Inference.Predictions;

/// <summary>A resolved module, or the problem of the reference: 400 when it is malformed, 404 when nothing has that name or version.</summary>
public sealed class ModuleLookup
{
    private ModuleLookup(ResolvedModule? module, ModuleRefProblem? problem)
    {
        Module = module;
        Problem = problem;
    }

    /// <summary>The module, or null when <see cref="Problem"/> says why not.</summary>
    public ResolvedModule? Module { get; }

    /// <summary>Why there is no module, or null.</summary>
    public ModuleRefProblem? Problem { get; }

    internal static ModuleLookup Found(ResolvedModule module) => new(module, null);

    internal static ModuleLookup Invalid(string detail) => new(null, new ModuleRefProblem(StatusCodes.Status400BadRequest, "Invalid module reference", detail));

    internal static ModuleLookup NotFound(string detail) => new(null, new ModuleRefProblem(StatusCodes.Status404NotFound, "Module not found", detail));
}

/// <summary>The answer to a module reference that names nothing: 400 (malformed) or 404 (no such module or version).</summary>
public sealed class ModuleRefProblem(int status, string title, string detail)
    : ProblemResult(Create(status, title, detail)), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder) =>
        Produces(builder, StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
}

/// <summary>The registry cannot be reached (or its calls are refused or time out) and the module is not cached here.</summary>
public sealed class ModuleRegistryUnavailableException(LogiLlm.Registry.ModuleRef reference, Exception inner)
    : Exception($"The module registry is unreachable for {reference}.", inner)
{
    /// <summary>The reference being resolved.</summary>
    public LogiLlm.Registry.ModuleRef Reference { get; } = reference;
}
