using LogiLlm.Persistence;

namespace LogiLlm.Cli;

/// <summary>Loading a module file for a command: a clear exit code 2 when it is missing or does not load, warnings on stderr.</summary>
public static class ModuleFiles
{
    /// <summary>Loads <paramref name="path"/> with the loader's checks and reports its warnings on stderr.</summary>
    public static LoadResult Load(CommandContext ctx, string? path)
    {
        var full = CommandContext.ExistingFile(path, "module file");
        var result = ModuleLoader.LoadWithReport(full, new LoadOptions { Password = Commands.SecurityCommands.Password(ctx) });
        foreach (var warning in result.Report.Warnings)
        {
            ctx.Status($"warning: {CliApp.OneLine(warning.Message)}");
        }

        return result;
    }

    /// <summary>Loads a module and binds it to the configured provider, as inference serves it.</summary>
    public static Module LoadForCalls(CommandContext ctx, string? path)
    {
        var module = Load(ctx, path).Module;
        module.Provider = ctx.CreateProvider();
        var saved = module.SavedProvider;
        if (saved is not null && !string.Equals(saved.Name, module.Provider.Name, StringComparison.OrdinalIgnoreCase))
        {
            ctx.Status($"warning: saved with provider '{saved.Name}' ({saved.Model}), run with '{module.Provider.Name}' ({module.Provider.Model}); answers may differ.");
        }

        return module;
    }
}
