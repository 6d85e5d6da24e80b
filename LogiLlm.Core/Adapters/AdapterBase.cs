using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using LogiLlm.Persistence;
using LogiLlm.Signatures;
using Microsoft.Extensions.AI;

namespace LogiLlm.Adapters;

/// <summary>
/// Shared shape of the built-in adapters: system message (fields, structure, objective), demos as
/// user/assistant pairs, the input; and typed conversion of the extracted reply values.
/// </summary>
public abstract class AdapterBase : IAdapter
{
    /// <summary>Text put in a demo for a field the demo has no value for.</summary>
    public const string NotSupplied = "Not supplied for this particular example.";

    /// <summary>The texts kept per signature when <see cref="CachesPromptTexts"/> (see there); keys are compared by reference.</summary>
    private readonly ConditionalWeakTable<Signature, PromptTexts> _texts = new();

    /// <summary>Creates the adapter with a copy of <paramref name="config"/>.</summary>
    protected AdapterBase(JsonObject? config) => Config = config is null ? [] : (JsonObject)config.DeepClone();

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public JsonObject Config { get; }

    /// <inheritdoc />
    public virtual IList<ChatMessage> Format(Signature signature, IReadOnlyList<Demo> demos, IReadOnlyDictionary<string, object?> inputs)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(inputs);
        var texts = CachesPromptTexts ? TextsOf(signature) : null;
        var messages = new List<ChatMessage>(2 + (2 * demos.Count)) { new(ChatRole.System, texts?.SystemMessage ?? FormatSystemMessage(signature)) };
        foreach (var demo in demos)
        {
            var (user, assistant) = texts is null ? FormatDemo(signature, demo) : texts.DemoOf(demo, this, signature);
            messages.Add(new ChatMessage(ChatRole.User, user));
            messages.Add(new ChatMessage(ChatRole.Assistant, assistant));
        }

        var last = FormatInputs(signature, inputs);
        var instruction = texts is null ? FinalInstruction(signature) : texts.FinalInstruction;
        messages.Add(new ChatMessage(ChatRole.User, instruction is null ? last : $"{last}\n\n{instruction}"));
        return messages;
    }

    /// <summary>
    /// Whether <see cref="Format"/> keeps the texts that depend only on the signature (system message, final instruction)
    /// and on one demo (its user and assistant messages) for the next call with the same signature and demo objects,
    /// instead of writing them again: a module predicting over and over formats its demos once. Signatures are immutable
    /// and a demo is a value (replacing a demo, its instructions or the signature gives new objects, and new texts); a
    /// demo whose values can change in place (nested JSON objects or arrays, a dictionary that is not read-only) is
    /// formatted every time. The built-in adapters return true; an adapter whose texts depend on anything else (its
    /// config, the clock) must return false, the default.
    /// </summary>
    protected virtual bool CachesPromptTexts => false;

    private PromptTexts TextsOf(Signature signature)
    {
        if (_texts.TryGetValue(signature, out var texts))
        {
            return texts;
        }

        // Two first callers may both write the texts; one set is kept and both are equal.
        return _texts.GetValue(signature, s => new PromptTexts(FormatSystemMessage(s), FinalInstruction(s)));
    }

    /// <summary>A demo's user message (its inputs) and assistant message (its outputs).</summary>
    private (string User, string Assistant) FormatDemo(Signature signature, Demo demo) =>
        (FormatInputs(signature, WithPlaceholders(signature.InputFields, demo.Inputs)),
         FormatOutputs(signature, WithPlaceholders(signature.OutputFields, demo.Outputs)));

    /// <summary>True when nothing a demo's texts are made from can change in place: read-only maps of JSON values (or null).</summary>
    private static bool IsFrozen(IReadOnlyDictionary<string, JsonNode?> values)
    {
        if (values is not (ReadOnlyDictionary<string, JsonNode?> or JsonSliceValues))
        {
            return false;
        }

        foreach (var (_, node) in values)
        {
            if (node is not (null or JsonValue))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The texts of one signature for this adapter: written once, and each frozen demo's messages once.</summary>
    private sealed class PromptTexts(string systemMessage, string? finalInstruction)
    {
        private readonly ConditionalWeakTable<Demo, Tuple<string, string>> _demos = new();

        public string SystemMessage { get; } = systemMessage;

        public string? FinalInstruction { get; } = finalInstruction;

        public (string User, string Assistant) DemoOf(Demo demo, AdapterBase adapter, Signature signature)
        {
            if (_demos.TryGetValue(demo, out var kept))
            {
                return (kept.Item1, kept.Item2);
            }

            var texts = adapter.FormatDemo(signature, demo);
            if (IsFrozen(demo.Inputs) && IsFrozen(demo.Outputs))
            {
                _demos.TryAdd(demo, Tuple.Create(texts.User, texts.Assistant));
            }

            return texts;
        }
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, object?> Parse(Signature signature, string completion)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(completion);
        var raw = ExtractOutputs(signature, completion);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var field in signature.OutputFields)
        {
            if (!raw.TryGetValue(field.Name, out var value))
            {
                if (field.Type.IsOptional || !field.Required)
                {
                    result[field.Name] = null;
                }
                else
                {
                    missing.Add(field.Name);
                }

                continue;
            }

            try
            {
                result[field.Name] = FieldValueCoercion.Convert(value, field.Type, field.Name);
            }
            catch (FieldConversionException e)
            {
                throw new AdapterParseException(Name, $"{Name}: {e.Message}", completion, field.Name, e);
            }
        }

        if (missing.Count > 0)
        {
            throw new AdapterParseException(
                Name,
                $"{Name} could not find output field(s) {string.Join(", ", missing.Select(m => $"'{m}'"))} in the completion ({MissingHint}).",
                completion,
                missing.Count == 1 ? missing[0] : null);
        }

        return result;
    }

    /// <inheritdoc />
    public virtual ChatResponseFormat? ResponseFormat(Signature signature) => null;

    /// <summary>
    /// The reply a model should give for <paramref name="outputs"/>: the same text as a demo's assistant message,
    /// which <see cref="Parse"/> reads back. Used by offline clients (LogiLlm.LocalModel) that answer in the adapter's format.
    /// </summary>
    public string FormatReply(Signature signature, IReadOnlyDictionary<string, object?> outputs)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(outputs);
        return FormatOutputs(signature, outputs);
    }

    /// <summary>How the reply is expected to mark fields, for error messages.</summary>
    protected abstract string MissingHint { get; }

    /// <summary>Finds the raw value (text or JSON node) of each output field in the reply; absent fields are left out.</summary>
    protected abstract IDictionary<string, object?> ExtractOutputs(Signature signature, string completion);

    /// <summary>The content of a user message carrying <paramref name="values"/> of the input fields.</summary>
    protected abstract string FormatInputs(Signature signature, IReadOnlyDictionary<string, object?> values);

    /// <summary>The content of an assistant message carrying <paramref name="values"/> of the output fields.</summary>
    protected abstract string FormatOutputs(Signature signature, IReadOnlyDictionary<string, object?> values);

    /// <summary>The skeleton of one exchange, with <c>{field}</c> placeholders, shown in the system message.</summary>
    protected abstract string DescribeStructure(Signature signature);

    /// <summary>A reminder appended to the last user message, or null.</summary>
    protected virtual string? FinalInstruction(Signature signature) => null;

    /// <summary>The system message: fields with types and descriptions, the structure, and the objective.</summary>
    protected virtual string FormatSystemMessage(Signature signature)
    {
        var sb = new StringBuilder();
        if (signature.InputFields.Count > 0)
        {
            sb.AppendLine("Your input fields are:");
            AppendFieldList(sb, signature.InputFields);
        }

        sb.AppendLine("Your output fields are:");
        AppendFieldList(sb, signature.OutputFields);
        sb.AppendLine("All interactions will be structured in the following way, with the appropriate values filled in.");
        sb.AppendLine();
        sb.AppendLine(DescribeStructure(signature).TrimEnd());
        sb.AppendLine();
        sb.Append("In adhering to this structure, your objective is: ");
        sb.Append(Objective(signature));
        return sb.ToString();
    }

    /// <summary>The instructions, or "Given the fields `a`, produce the fields `b`." when there are none.</summary>
    protected static string Objective(Signature signature)
    {
        if (!string.IsNullOrWhiteSpace(signature.Instructions))
        {
            return signature.Instructions.Trim();
        }

        var inputs = string.Join(", ", signature.InputFields.Select(f => $"`{f.Name}`"));
        var outputs = string.Join(", ", signature.OutputFields.Select(f => $"`{f.Name}`"));
        return inputs.Length > 0 ? $"Given the fields {inputs}, produce the fields {outputs}." : $"Produce the fields {outputs}.";
    }

    /// <summary>A note on how a value of <paramref name="type"/> must be written, or null for plain text.</summary>
    protected static string? TypeHint(FieldType type)
    {
        var inner = type.Unwrapped;
        var hint = inner.Name switch
        {
            "str" or "bytes" or "Any" => null,
            "Literal" when inner.LiteralValues.Count > 0 => $"must exactly match (no extra characters) one of: {string.Join("; ", inner.LiteralValues)}",
            "int" => "must be a single int value",
            "float" => "must be a single float value",
            "bool" => "must be true or false",
            _ => $"must be valid JSON of type {inner}",
        };
        if (type.IsOptional)
        {
            return hint is null ? "may be null" : $"{hint}, or null";
        }

        return hint;
    }

    /// <summary>The text of a value inside a prompt: strings as they are, other values as compact JSON.</summary>
    protected static string ValueText(object? value) => FieldValueJson.ToPromptText(value);

    /// <summary>
    /// The inputs part of a prompt: each input field that has a value, in signature order, written by
    /// <paramref name="append"/> (the field's name and its value as prompt text), trailing whitespace trimmed.
    /// </summary>
    protected static string FormatPresentInputs(Signature signature, IReadOnlyDictionary<string, object?> values, Action<StringBuilder, string, string> append)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var sb = PromptTextBuilder.Acquire();
        foreach (var field in signature.InputFields)
        {
            if (TryGetValue(values, field.Name, out var value))
            {
                append(sb, field.Name, ValueText(value));
            }
        }

        return PromptTextBuilder.ToStringAndRelease(sb, trimEnd: true);
    }

    /// <summary>Looks up a field's value by exact name, then case-insensitively.</summary>
    protected static bool TryGetValue(IReadOnlyDictionary<string, object?> values, string name, out object? value) => TryGetValue<object?>(values, name, out value);

    private static bool TryGetValue<T>(IReadOnlyDictionary<string, T> values, string name, [MaybeNullWhen(false)] out T value)
    {
        if (values.TryGetValue(name, out value))
        {
            return true;
        }

        foreach (var (key, v) in values)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>Finds the output field called <paramref name="name"/> (exact, then case-insensitive, spaces as underscores).</summary>
    protected static FieldSpec? FindOutput(Signature signature, string name)
    {
        var trimmed = name.Trim();
        return signature.OutputFields.FirstOrDefault(f => f.Name == trimmed)
            ?? signature.OutputFields.FirstOrDefault(f => string.Equals(f.Name, trimmed.Replace(' ', '_'), StringComparison.OrdinalIgnoreCase));
    }

    private static void AppendFieldList(StringBuilder sb, IReadOnlyList<FieldSpec> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            var f = fields[i];
            sb.Append(i + 1).Append(". `").Append(f.Name).Append("` (").Append(f.Type).Append(')');
            if (!string.IsNullOrWhiteSpace(f.Description))
            {
                sb.Append(": ").Append(f.Description.Trim());
            }

            sb.AppendLine();
        }
    }

    /// <summary>
    /// A demo's values of <paramref name="fields"/> as CLR shapes (<see cref="Demo.InputValues"/>), <see cref="NotSupplied"/>
    /// for a field it has no value for; only the fields shown are converted, in one dictionary.
    /// </summary>
    private static Dictionary<string, object?> WithPlaceholders(IReadOnlyList<FieldSpec> fields, IReadOnlyDictionary<string, JsonNode?> values)
    {
        var result = new Dictionary<string, object?>(fields.Count, StringComparer.Ordinal);
        foreach (var field in fields)
        {
            result[field.Name] = TryGetValue(values, field.Name, out var node) ? FieldValueJson.FromJsonNode(node) : NotSupplied;
        }

        return result;
    }
}
