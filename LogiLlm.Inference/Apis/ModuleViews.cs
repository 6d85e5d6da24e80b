using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Inference.Modules;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using Microsoft.Extensions.AI;

namespace LogiLlm.Inference.Apis;

/// <summary>What the describe and prompt endpoints show of a resolved module.</summary>
internal static class ModuleViews
{
    /// <summary>Signature, version, config, demos, lineage and both providers (saved and serving) of a module.</summary>
    public static ModuleDescription Describe(ResolvedModule resolved, Provider serving)
    {
        var module = resolved.Module;
        var signature = module.Signature;
        return new ModuleDescription(
            resolved.Name,
            resolved.Version,
            module.ModuleType,
            module.State.Value,
            signature?.ToString(),
            signature?.Instructions,
            signature?.InputFields.Select(Field).ToList() ?? [],
            signature?.OutputFields.Select(Field).ToList() ?? [],
            module.Config.ToJsonObject(),
            module.DemoManager.Demos.Count,
            module.DemoManager.MaxDemos,
            DemoManager.ToWireName(module.DemoManager.SelectionStrategy),
            module.Adapter.Name,
            module.Metadata["optimization"]?.DeepClone(),
            module.SavedProvider is { } saved ? new ProviderDto(saved.Name, saved.Model) : null,
            new ProviderDto(serving.Name, serving.Model),
            resolved.ProviderMismatch,
            resolved.Digest);
    }

    /// <summary>The prompt with <c>{field}</c> placeholders for the inputs, or null when the module has no signature of its own.</summary>
    public static PromptResponse? Template(ResolvedModule resolved)
    {
        if (resolved.Module.Signature is not { } signature)
        {
            return null;
        }

        var placeholders = signature.InputFields.ToDictionary(f => f.Name, f => (object?)$"{{{f.Name}}}", StringComparer.Ordinal);
        return Prompt(resolved, resolved.Module.Adapter.Format(signature, resolved.Module.DemoManager.Select(), placeholders));
    }

    /// <summary>The exact prompt a Predict module sends for <paramref name="inputs"/>.</summary>
    /// <exception cref="ModuleInputException">The inputs do not fit the signature.</exception>
    public static PromptResponse Render(ResolvedModule resolved, LogiLlm.Predict predict, IReadOnlyDictionary<string, object?> inputs) =>
        Prompt(resolved, predict.RenderPrompt(inputs));

    private static PromptResponse Prompt(ResolvedModule resolved, IList<ChatMessage> messages)
    {
        var options = resolved.Module is LogiLlm.Predict predict ? OptionsJson(predict.BuildChatOptions()) : [];
        return new PromptResponse(resolved.Name, resolved.Version, messages.Select(m => new PromptMessage(m.Role.Value, m.Text)).ToList(), options);
    }

    private static JsonObject OptionsJson(ChatOptions options)
    {
        var json = new JsonObject();
        if (options.ModelId is { } model) json["model"] = model;
        if (options.Temperature is { } temperature) json["temperature"] = temperature;
        if (options.TopP is { } topP) json["top_p"] = topP;
        if (options.MaxOutputTokens is { } maxTokens) json["max_tokens"] = maxTokens;
        if (options.StopSequences is { Count: > 0 } stop) json["stop"] = new JsonArray(stop.Select(s => (JsonNode?)s).ToArray());
        if (options.Seed is { } seed) json["seed"] = seed;
        return json;
    }

    private static FieldDto Field(LogiLlm.Signatures.FieldSpec field) =>
        new(field.Name, field.Type.ToString(), field.Description, field.Required);
}
