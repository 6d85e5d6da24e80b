using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using LogiLlm.Providers;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm;

/// <summary>
/// The basic module: formats the signature, the selected demos and the inputs with <see cref="Module.Adapter"/>,
/// calls the provider's chat client with <see cref="Module.Config"/> as chat options, and reads the typed outputs.
/// </summary>
/// <example>
/// <code>
/// var classifier = new Predict("email: str -> category: str");
/// classifier.Config["temperature"] = 0.3;
/// var result = await classifier.InvokeAsync(new { email = "Please refund my order" });
/// </code>
/// </example>
public class Predict : Module
{
    /// <summary>A Predict module for a signature string such as <c>"email: str -> category: str"</c>.</summary>
    /// <exception cref="SignatureParseException">The signature is malformed.</exception>
    public Predict(string signature)
        : this(Signature.Parse(signature))
    {
    }

    /// <summary>A Predict module for <paramref name="signature"/>.</summary>
    public Predict(Signature signature)
        : this(signature, "Predict")
    {
    }

    /// <summary>For derived modules: a Predict with another module type name.</summary>
    protected Predict(Signature signature, string moduleType)
        : base(moduleType, signature ?? throw new ArgumentNullException(nameof(signature)))
    {
    }

    /// <summary>Loads a Predict module (or a subtype such as ChainOfThought) saved at <paramref name="path"/>.</summary>
    /// <exception cref="PersistenceException">The file cannot be loaded or holds another module type.</exception>
    public static new Predict Load(string path, LoadOptions? options = null) => ModuleLoader.Load<Predict>(path, options);

    /// <summary>
    /// The chat messages this module would send for <paramref name="inputs"/> (system message, demos, input),
    /// after the same validation as an invocation.
    /// </summary>
    /// <exception cref="ModuleInputException">Inputs missing or invalid.</exception>
    public IList<ChatMessage> RenderPrompt(object inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var signature = RequireSignature();
        var prepared = PrepareInputs(signature, ToInputDictionary(inputs));
        return Adapter.Format(signature, DemoManager.Select(), prepared);
    }

    /// <summary>
    /// The chat options of a call: <see cref="Module.Config"/> mapped (temperature, top_p, max_tokens, stop, seed, ...),
    /// the model of the provider that would be used, and the adapter's response format.
    /// </summary>
    /// <exception cref="FormatException">A well-known config key holds a value of the wrong type.</exception>
    public ChatOptions BuildChatOptions()
    {
        var provider = Provider ?? (ProviderRegistry ?? Providers.ProviderRegistry.Default).DefaultProvider;
        return CreateOptions(RequireSignature(), Adapter, provider?.Model);
    }

    /// <inheritdoc />
    public override Module Clone() => CopyStateTo(new Predict(RequireSignature()));

    /// <inheritdoc />
    /// <remarks>
    /// Input values are converted to the declared input types; missing required inputs or values that do not
    /// fit throw <see cref="ModuleInputException"/>. Provider errors and cancellation propagate. A reply the
    /// adapter cannot read is asked for once more in JSON (<see cref="JsonAdapterFallback"/>, DSPy's ChatAdapter ->
    /// JSONAdapter fallback); when that one cannot be read either, the result is a failed <see cref="Prediction"/> with
    /// the last reply and the usage of both calls.
    /// </remarks>
    protected override async Task<Prediction> ForwardAsync(IReadOnlyDictionary<string, object?> inputs, CancellationToken cancellationToken)
    {
        var signature = RequireSignature();
        var adapter = Adapter;
        var prepared = PrepareInputs(signature, inputs);
        var provider = ResolveProvider();
        var demos = DemoManager.Select();
        var first = await CallAsync(provider, signature, adapter, demos, prepared, TokenUsage.Zero, cancellationToken).ConfigureAwait(false);
        if (first.Success || JsonAdapterFallback.For(adapter) is not { } json)
        {
            return first;
        }

        var retry = await CallAsync(provider, signature, json, demos, prepared, first.Usage, cancellationToken).ConfigureAwait(false);
        return retry.Success
            ? retry
            : Prediction.Failure($"{first.Error} Asked again with {json.Name}: {retry.Error}", retry.RawCompletion, retry.Usage, retry.ModelId, retry.ErrorField ?? first.ErrorField);
    }

    /// <summary>One model call formatted and read by <paramref name="adapter"/>; usage adds to <paramref name="usageSoFar"/>.</summary>
    private async Task<Prediction> CallAsync(
        Provider provider, Signature signature, IAdapter adapter, IReadOnlyList<Demo> demos, IReadOnlyDictionary<string, object?> inputs, TokenUsage usageSoFar, CancellationToken cancellationToken)
    {
        var messages = adapter.Format(signature, demos, inputs);
        var options = CreateOptions(signature, adapter, provider.Model);
        var response = await provider.Client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var text = response.Text ?? string.Empty;
        var usage = usageSoFar + TokenUsage.From(response.Usage);
        var modelId = response.ModelId ?? options.ModelId;
        using var parse = ModuleTelemetry.StartParse(adapter.Name, text.Length);
        try
        {
            var outputs = adapter.Parse(signature, text);
            return new Prediction(outputs) { Usage = usage, RawCompletion = text, ModelId = modelId };
        }
        catch (AdapterParseException e)
        {
            parse.SetParseFailed(e.FieldName);
            return Prediction.Failure(e.Message, text, usage, modelId, e.FieldName);
        }
    }

    private ChatOptions CreateOptions(Signature signature, IAdapter adapter, string? modelId)
    {
        var options = Config.ToChatOptions();
        options.ModelId = modelId;
        options.ResponseFormat = adapter.ResponseFormat(signature);
        return options;
    }

    /// <summary>The signature, or an exception saying that this module has none.</summary>
    protected Signature RequireSignature() =>
        Signature ?? throw new InvalidOperationException($"This {ModuleType} module has no signature.");

    /// <summary>
    /// Maps given inputs to the signature's input fields (exact name, else ignoring case and underscores),
    /// fills defaults, converts values to the declared types. Public so that a service can check a request's inputs
    /// exactly as an invocation will, before it runs anything.
    /// </summary>
    /// <exception cref="ModuleInputException">Missing required inputs or values that do not fit.</exception>
    public static IReadOnlyDictionary<string, object?> PrepareInputs(Signature signature, IReadOnlyDictionary<string, object?> inputs)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(inputs);
        var prepared = new Dictionary<string, object?>(StringComparer.Ordinal);
        var missing = new List<string>();
        var invalid = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in signature.InputFields)
        {
            if (!TryFind(inputs, field.Name, out var value))
            {
                if (field.Default is not null)
                {
                    value = field.Default;
                }
                else if (field.MustBeSupplied)
                {
                    missing.Add(field.Name);
                    continue;
                }
                else
                {
                    continue;
                }
            }

            if (FieldValueCoercion.TryConvert(value, field.Type, field.Name, out var converted, out var error))
            {
                prepared[field.Name] = converted;
            }
            else
            {
                invalid[field.Name] = error!.Message;
            }
        }

        if (missing.Count > 0 || invalid.Count > 0)
        {
            throw new ModuleInputException(missing, invalid, string.Join(", ", signature.InputFields.Select(f => $"{f.Name} ({f.Type})")));
        }

        return prepared;
    }

    private static bool TryFind(IReadOnlyDictionary<string, object?> inputs, string name, out object? value)
    {
        if (inputs.TryGetValue(name, out value))
        {
            return true;
        }

        var key = Simplify(name);
        foreach (var (candidate, candidateValue) in inputs)
        {
            if (Simplify(candidate) == key)
            {
                value = candidateValue;
                return true;
            }
        }

        value = null;
        return false;
    }

    private static string Simplify(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
}
