using System.Text.Json.Nodes;

namespace LogiLlm.Signatures;

/// <summary>One field of a <see cref="Signature"/>. Equality compares JSON members by content.</summary>
/// <param name="Name">Field name, e.g. <c>email</c>.</param>
/// <param name="Kind">Input or output.</param>
/// <param name="Type">Type expression of the value.</param>
public sealed record FieldSpec(string Name, FieldKind Kind, FieldType Type)
{
    /// <summary>Description shown to the model (null when unset).</summary>
    public string? Description { get; init; }

    /// <summary>Whether the value must be present. An input that is <c>Optional[...]</c> or has a <see cref="Default"/> may still be omitted.</summary>
    public bool Required { get; init; } = true;

    /// <summary>Default value (null when unset).</summary>
    public JsonNode? Default { get; init; }

    /// <summary>Free-form constraints as saved by LogiLLM (<c>{}</c> when none).</summary>
    public JsonObject Constraints { get; init; } = [];

    /// <summary>Free-form metadata (<c>{}</c> when none).</summary>
    public JsonObject Metadata { get; init; } = [];

    /// <summary>True when a caller must supply this input: <see cref="Required"/>, no <see cref="Default"/>, and not Optional.</summary>
    public bool MustBeSupplied => Required && Default is null && !Type.IsOptional;

    /// <inheritdoc />
    public bool Equals(FieldSpec? other) =>
        other is not null
        && Name == other.Name
        && Kind == other.Kind
        && Type == other.Type
        && Description == other.Description
        && Required == other.Required
        && JsonNode.DeepEquals(Default, other.Default)
        && JsonNode.DeepEquals(Constraints, other.Constraints)
        && JsonNode.DeepEquals(Metadata, other.Metadata);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Kind, Type, Description, Required);
}
