using System.CommandLine;

namespace LogiLlm.Cli;

/// <summary>Options every command takes: output mode and the model to call (same settings as the services' <c>Llm</c> section).</summary>
public sealed class GlobalOptions
{
    /// <summary>Only errors on stderr and, with --json, the JSON on stdout.</summary>
    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "Print nothing but errors (and the JSON with --json).", Recursive = true };

    /// <summary>Machine-readable output on stdout.</summary>
    public Option<bool> Json { get; } = new("--json") { Description = "Write the result as one JSON document on stdout, for scripts.", Recursive = true };

    /// <summary>Provider name; default from LOGILLM_LLM_PROVIDER or Llm__Provider, else the offline local model.</summary>
    public Option<string?> Provider { get; } = new("--provider")
    {
        Description = "Provider: local (offline, default), openai, azure-openai, anthropic, openai-compatible, mock. Default: $LOGILLM_LLM_PROVIDER or $Llm__Provider.",
        Recursive = true,
    };

    /// <summary>Model id.</summary>
    public Option<string?> Model { get; } = new("--model") { Description = "Model id (default: $LOGILLM_LLM_MODEL or $Llm__Model, else the provider's default).", Recursive = true };

    /// <summary>Endpoint of Azure OpenAI or an OpenAI-compatible server.</summary>
    public Option<string?> Endpoint { get; } = new("--endpoint") { Description = "Endpoint for azure-openai or openai-compatible (default: $LOGILLM_LLM_ENDPOINT or $Llm__Endpoint).", Recursive = true };

    /// <summary>Adds the options to the root command.</summary>
    public void AddTo(RootCommand root)
    {
        root.Add(Quiet);
        root.Add(Json);
        root.Add(Provider);
        root.Add(Model);
        root.Add(Endpoint);
    }
}
