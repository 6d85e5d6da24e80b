using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;

namespace LogiLlm.Signatures;

/// <summary>
/// An immutable task contract: ordered input and output fields with types, plus instructions.
/// Parse one from <c>"email: str, tags: list[str] -> category: str, confidence: float"</c> or build one
/// from a C# type with <see cref="FromType{T}"/>. <see cref="ToString"/> gives a string that
/// <see cref="Parse"/> reads back to the same fields (instructions and descriptions are not part of it).
/// </summary>
/// <remarks>
/// Longer than most files: one immutable type and its whole public surface (parsing, building from a C# type,
/// formatting, equality, the derived signatures with other instructions, descriptions, metadata or added fields), each
/// member short; the grammar itself
/// lives in <see cref="SignatureParser"/>.
/// </remarks>
public sealed class Signature : IEquatable<Signature>
{
    private readonly JsonObject _metadata;

    /// <summary>Creates a signature from fields. Field names must be unique across inputs and outputs.</summary>
    /// <exception cref="ArgumentException">A duplicate name, an empty name, a field of the wrong kind, or no output field.</exception>
    public Signature(IEnumerable<FieldSpec> inputFields, IEnumerable<FieldSpec> outputFields, string? instructions = null, JsonObject? metadata = null, string type = "BaseSignature")
    {
        ArgumentNullException.ThrowIfNull(inputFields);
        ArgumentNullException.ThrowIfNull(outputFields);
        var inputs = inputFields.ToArray();
        var outputs = outputFields.ToArray();
        if (outputs.Length == 0)
        {
            throw new ArgumentException("A signature needs at least one output field.", nameof(outputFields));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in inputs.Concat(outputs))
        {
            ArgumentNullException.ThrowIfNull(field, nameof(inputFields));
            if (string.IsNullOrWhiteSpace(field.Name))
            {
                throw new ArgumentException("A field name must not be empty.", nameof(inputFields));
            }

            if (!names.Add(field.Name))
            {
                throw new ArgumentException($"Duplicate field name '{field.Name}'.", nameof(inputFields));
            }
        }

        if (inputs.Any(f => f.Kind != FieldKind.Input) || outputs.Any(f => f.Kind != FieldKind.Output))
        {
            throw new ArgumentException("Input fields must have Kind Input and output fields Kind Output.", nameof(inputFields));
        }

        InputFields = Array.AsReadOnly(inputs);
        OutputFields = Array.AsReadOnly(outputs);
        Instructions = instructions;
        _metadata = metadata is null ? [] : (JsonObject)metadata.DeepClone();
        Type = string.IsNullOrEmpty(type) ? "BaseSignature" : type;
    }

    /// <summary>Instructions (the task description) shown to the model; null when unset.</summary>
    public string? Instructions { get; }

    /// <summary>Input fields in declaration order.</summary>
    public IReadOnlyList<FieldSpec> InputFields { get; }

    /// <summary>Output fields in declaration order.</summary>
    public IReadOnlyList<FieldSpec> OutputFields { get; }

    /// <summary>All fields: inputs then outputs.</summary>
    public IEnumerable<FieldSpec> Fields => InputFields.Concat(OutputFields);

    /// <summary>Free-form metadata (a copy: the signature itself cannot be changed through it).</summary>
    public JsonObject Metadata => (JsonObject)_metadata.DeepClone();

    /// <summary>Signature class name as saved by LogiLLM; "BaseSignature" by default.</summary>
    public string Type { get; }

    /// <summary>Parses <c>"in1: type, in2 -> out1: type"</c>. An untyped field is <c>str</c>.</summary>
    /// <param name="spec">The signature string.</param>
    /// <param name="instructions">Optional instructions.</param>
    /// <exception cref="SignatureParseException">The string is malformed; the message names the position and what was expected.</exception>
    public static Signature Parse(string spec, string? instructions = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (inputs, outputs) = SignatureParser.ParseSignature(spec);
        return new Signature(inputs, outputs, instructions);
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string spec, out Signature? signature)
    {
        try
        {
            signature = Parse(spec);
            return true;
        }
        catch (SignatureParseException)
        {
            signature = null;
            return false;
        }
    }

    /// <summary>Builds a signature from a class whose properties carry <see cref="InputFieldAttribute"/> / <see cref="OutputFieldAttribute"/>.</summary>
    public static Signature FromType<T>() => FromType(typeof(T));

    /// <summary>Builds a signature from a class whose properties carry <see cref="InputFieldAttribute"/> / <see cref="OutputFieldAttribute"/>.</summary>
    /// <remarks>
    /// Field names default to snake_case of the property name. Types: string -> str, integers -> int,
    /// floating point/decimal -> float, bool -> bool, enums -> Literal of the member names, arrays and
    /// <see cref="IEnumerable{T}"/> -> list[T], dictionaries -> dict[K, V], nullable (value or annotated
    /// reference) -> Optional[T]. <c>Type = "..."</c> on the attribute overrides the inference.
    /// </remarks>
    /// <exception cref="ArgumentException">The type declares no output field or has an unsupported property type.</exception>
    public static Signature FromType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var nullability = new NullabilityInfoContext();
        var inputs = new List<FieldSpec>();
        var outputs = new List<FieldSpec>();
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.MetadataToken);
        foreach (var property in properties)
        {
            var input = property.GetCustomAttribute<InputFieldAttribute>();
            var output = property.GetCustomAttribute<OutputFieldAttribute>();
            if (input is null && output is null)
            {
                continue;
            }

            if (input is not null && output is not null)
            {
                throw new ArgumentException($"Property '{property.Name}' of {type.Name} is marked both input and output.", nameof(type));
            }

            var (name, description, typeExpression) = input is not null
                ? (input.Name, input.Description, input.Type)
                : (output!.Name, output.Description, output.Type);
            var fieldType = typeExpression is not null
                ? FieldType.Parse(typeExpression)
                : InferType(property.PropertyType, nullability.Create(property), $"{type.Name}.{property.Name}");
            var spec = new FieldSpec(name ?? ToSnakeCase(property.Name), input is not null ? FieldKind.Input : FieldKind.Output, fieldType)
            {
                Description = description,
            };
            (input is not null ? inputs : outputs).Add(spec);
        }

        var instructions = type.GetCustomAttribute<SignatureInstructionsAttribute>()?.Instructions;
        if (outputs.Count == 0)
        {
            throw new ArgumentException($"{type.Name} declares no property with [OutputField].", nameof(type));
        }

        return new Signature(inputs, outputs, instructions, type: type.Name);
    }

    /// <summary>The field called <paramref name="name"/>, or null.</summary>
    public FieldSpec? GetField(string name) => Fields.FirstOrDefault(f => f.Name == name);

    /// <summary>A copy with other instructions.</summary>
    public Signature WithInstructions(string? instructions) => new(InputFields, OutputFields, instructions, _metadata, Type);

    /// <summary>A copy with <paramref name="field"/> as the first output field.</summary>
    public Signature PrependOutput(FieldSpec field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new(InputFields, [field with { Kind = FieldKind.Output }, .. OutputFields], Instructions, _metadata, Type);
    }

    /// <summary>A copy with <paramref name="field"/> as the last output field.</summary>
    public Signature AppendOutput(FieldSpec field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new(InputFields, [.. OutputFields, field with { Kind = FieldKind.Output }], Instructions, _metadata, Type);
    }

    /// <summary>A copy with <paramref name="field"/> as the last input field.</summary>
    public Signature AppendInput(FieldSpec field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return new([.. InputFields, field with { Kind = FieldKind.Input }], OutputFields, Instructions, _metadata, Type);
    }

    /// <summary>A copy in which field <paramref name="name"/> has the description <paramref name="description"/>.</summary>
    /// <exception cref="ArgumentException">No such field.</exception>
    public Signature WithDescription(string name, string? description)
    {
        if (GetField(name) is null)
        {
            throw new ArgumentException($"The signature has no field '{name}'.", nameof(name));
        }

        return new(
            InputFields.Select(f => f.Name == name ? f with { Description = description } : f),
            OutputFields.Select(f => f.Name == name ? f with { Description = description } : f),
            Instructions,
            _metadata,
            Type);
    }

    /// <summary>A copy with other metadata.</summary>
    public Signature WithMetadata(JsonObject metadata) => new(InputFields, OutputFields, Instructions, metadata, Type);

    /// <summary>The signature string, e.g. <c>email: str, tags: list[str] -> category: str</c>; <see cref="Parse"/> reads it back.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendFields(sb, InputFields);
        sb.Append(InputFields.Count > 0 ? " -> " : "-> ");
        AppendFields(sb, OutputFields);
        return sb.ToString();
    }

    private static void AppendFields(StringBuilder sb, IReadOnlyList<FieldSpec> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            sb.Append(fields[i].Name).Append(": ").Append(fields[i].Type);
        }
    }

    /// <inheritdoc />
    public bool Equals(Signature? other) =>
        other is not null
        && Instructions == other.Instructions
        && Type == other.Type
        && InputFields.SequenceEqual(other.InputFields)
        && OutputFields.SequenceEqual(other.OutputFields)
        && JsonNode.DeepEquals(_metadata, other._metadata);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Signature);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ToString(), Instructions);

    internal static string ToSnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var previousIsLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var startsWord = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (previousIsLowerOrDigit || startsWord)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static FieldType InferType(Type clr, NullabilityInfo? nullability, string where)
    {
        var underlying = Nullable.GetUnderlyingType(clr);
        if (underlying is not null)
        {
            return FieldType.Optional(InferType(underlying, null, where));
        }

        if (!clr.IsValueType && nullability?.ReadState == NullabilityState.Nullable)
        {
            return FieldType.Optional(InferType(clr, null, where));
        }

        if (clr == typeof(string) || clr == typeof(char) || clr == typeof(Guid) || clr == typeof(DateTime) || clr == typeof(DateTimeOffset))
        {
            return FieldType.Str;
        }

        if (clr == typeof(bool))
        {
            return FieldType.Bool;
        }

        if (clr == typeof(int) || clr == typeof(long) || clr == typeof(short) || clr == typeof(byte) || clr == typeof(uint) || clr == typeof(ulong) || clr == typeof(ushort) || clr == typeof(sbyte))
        {
            return FieldType.Int;
        }

        if (clr == typeof(double) || clr == typeof(float) || clr == typeof(decimal))
        {
            return FieldType.Float;
        }

        if (clr.IsEnum)
        {
            return FieldType.Literal(Enum.GetNames(clr));
        }

        if (clr == typeof(object) || clr == typeof(JsonNode) || clr == typeof(System.Text.Json.JsonElement))
        {
            return FieldType.Any;
        }

        if (clr.IsArray)
        {
            return FieldType.List(InferType(clr.GetElementType()!, nullability?.ElementType, where));
        }

        var dictionary = FindGeneric(clr, typeof(IDictionary<,>)) ?? FindGeneric(clr, typeof(IReadOnlyDictionary<,>));
        if (dictionary is not null)
        {
            var args = dictionary.GetGenericArguments();
            var argInfos = nullability?.GenericTypeArguments;
            return FieldType.Dict(
                InferType(args[0], argInfos is { Length: 2 } ? argInfos[0] : null, where),
                InferType(args[1], argInfos is { Length: 2 } ? argInfos[1] : null, where));
        }

        var enumerable = FindGeneric(clr, typeof(IEnumerable<>));
        if (enumerable is not null)
        {
            var argInfos = nullability?.GenericTypeArguments;
            return FieldType.List(InferType(enumerable.GetGenericArguments()[0], argInfos is { Length: 1 } ? argInfos[0] : null, where));
        }

        if (typeof(IEnumerable).IsAssignableFrom(clr))
        {
            return FieldType.Create("list", null);
        }

        var name = clr.Name;
        if (name.Length > 0 && char.IsUpper(name[0]) && !clr.IsGenericType)
        {
            return FieldType.Create(name, null);
        }

        throw new ArgumentException($"Cannot infer a field type for {where} of CLR type {clr}; set Type on the attribute.", nameof(clr));
    }

    private static Type? FindGeneric(Type clr, Type openGeneric)
    {
        if (clr.IsGenericType && clr.GetGenericTypeDefinition() == openGeneric)
        {
            return clr;
        }

        return clr.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == openGeneric);
    }
}
