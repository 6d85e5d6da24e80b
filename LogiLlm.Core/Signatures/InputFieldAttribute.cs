namespace LogiLlm.Signatures;

/// <summary>Marks a property of a class-based signature as an input field.</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class InputFieldAttribute : Attribute
{
    /// <summary>Description shown to the model.</summary>
    public string? Description { get; set; }

    /// <summary>Field name; default: the property name in snake_case (<c>CustomerEmail</c> -> <c>customer_email</c>).</summary>
    public string? Name { get; set; }

    /// <summary>Type expression overriding the one inferred from the property type, e.g. <c>Literal['a', 'b']</c>.</summary>
    public string? Type { get; set; }
}
