using System.Text.Json.Nodes;

namespace LogiLlm.Adapters;

/// <summary>
/// DSPy's ChatAdapter -> JSONAdapter fallback: when a reply cannot be read, the module asks the model once more,
/// formatted by <see cref="JsonAdapter"/> and with its JSON-schema response format (which providers that support
/// structured outputs, such as OpenAI's, enforce). On by default; an adapter whose config sets
/// <c>"use_json_adapter_fallback": false</c> (DSPy's name) turns it off, and a JSON adapter has nothing to fall back to.
/// </summary>
public static class JsonAdapterFallback
{
    /// <summary>The adapter config key that turns the fallback off when false.</summary>
    public const string ConfigKey = "use_json_adapter_fallback";

    /// <summary>The adapter of the second call after <paramref name="adapter"/> could not read a reply, or null for none.</summary>
    public static IAdapter? For(IAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        if (adapter is JsonAdapter || adapter is FallbackAdapter { Chain: [JsonAdapter, ..] })
        {
            return null;
        }

        return adapter.Config[ConfigKey] is JsonValue value && value.TryGetValue(out bool enabled) && !enabled ? null : new JsonAdapter();
    }
}
