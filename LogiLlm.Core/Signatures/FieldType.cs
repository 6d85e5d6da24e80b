using System.Globalization;
using System.Text;

namespace LogiLlm.Signatures;

/// <summary>
/// An immutable type expression of a signature field, e.g. <c>str</c>, <c>list[str]</c>,
/// <c>dict[str, int]</c>, <c>Optional[str]</c>, <c>Literal['a', 'b']</c>. Value equality;
/// <see cref="ToString"/> gives the canonical expression, which <see cref="Parse"/> reads back to an equal value.
/// </summary>
/// <remarks>
/// Canonical forms: <c>T | None</c> and <c>Union[T, None]</c> become <c>Optional[T]</c>;
/// <c>List</c>/<c>Dict</c>/<c>Set</c>/<c>Tuple</c> become lower case. A generic written without arguments
/// (<c>list</c>, <c>Optional</c>, as the Python writer saves <c>python_type</c>) keeps no arguments.
/// </remarks>
public sealed class FieldType : IEquatable<FieldType>
{
    private static readonly LiteralKind[] NoKinds = [];

    private readonly LiteralKind[] _literalKinds;

    private FieldType(string name, IReadOnlyList<FieldType>? arguments = null, IReadOnlyList<string>? literalValues = null, LiteralKind[]? literalKinds = null)
    {
        Name = name;
        Arguments = arguments ?? [];
        LiteralValues = literalValues ?? [];
        _literalKinds = literalKinds ?? NoKinds;
    }

    /// <summary><c>str</c>.</summary>
    public static FieldType Str { get; } = new("str");

    /// <summary><c>int</c> (values are <see cref="long"/>).</summary>
    public static FieldType Int { get; } = new("int");

    /// <summary><c>float</c> (values are <see cref="double"/>).</summary>
    public static FieldType Float { get; } = new("float");

    /// <summary><c>bool</c>.</summary>
    public static FieldType Bool { get; } = new("bool");

    /// <summary><c>Any</c>: values pass through unconverted.</summary>
    public static FieldType Any { get; } = new("Any");

    /// <summary>Type name: "str", "int", "float", "bool", "bytes", "list", "set", "tuple", "dict", "Optional", "Literal", "Union", "Any", or a custom (capitalised) name.</summary>
    public string Name { get; }

    /// <summary>Type arguments, e.g. <c>[str]</c> for <c>list[str]</c>; empty for scalars and for Literal.</summary>
    public IReadOnlyList<FieldType> Arguments { get; }

    /// <summary>The values of a <c>Literal[...]</c> as text (strings unquoted; numbers and <c>True</c>/<c>False</c>/<c>None</c> as written).</summary>
    public IReadOnlyList<string> LiteralValues { get; }

    /// <summary>The Python kind of each entry of <see cref="LiteralValues"/>.</summary>
    public IReadOnlyList<LiteralKind> LiteralKinds => _literalKinds;

    /// <summary>The bare name as the Python writer saves it in <c>python_type</c> ("str", "list", "Optional", ...).</summary>
    public string PythonType => Name;

    /// <summary>True for <c>Optional[T]</c>: the value may be absent (null).</summary>
    public bool IsOptional => Name == "Optional";

    /// <summary>The type inside <c>Optional[T]</c>, or this type itself.</summary>
    public FieldType Unwrapped => IsOptional && Arguments.Count == 1 ? Arguments[0] : this;

    /// <summary>True for <c>Literal[...]</c> and <c>Optional[Literal[...]]</c>: a closed set of labels.</summary>
    public bool IsLabelSet => Unwrapped.Name == "Literal" && Unwrapped.LiteralValues.Count > 0;

    /// <summary>The labels of a label set (see <see cref="IsLabelSet"/>); empty otherwise.</summary>
    public IReadOnlyList<string> Labels => IsLabelSet ? Unwrapped.LiteralValues : [];

    /// <summary>True for the scalar built-ins str, int, float, bool, bytes.</summary>
    public bool IsScalar => Name is "str" or "int" or "float" or "bool" or "bytes";

    /// <summary><c>list[element]</c>.</summary>
    public static FieldType List(FieldType element) => new("list", [element]);

    /// <summary><c>dict[key, value]</c>.</summary>
    public static FieldType Dict(FieldType key, FieldType value) => new("dict", [key, value]);

    /// <summary><c>Optional[inner]</c>.</summary>
    public static FieldType Optional(FieldType inner) => new("Optional", [inner]);

    /// <summary><c>Literal['a', 'b', ...]</c> of string labels.</summary>
    public static FieldType Literal(params string[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length == 0)
        {
            throw new ArgumentException("A Literal needs at least one label.", nameof(labels));
        }

        return new("Literal", null, labels.ToArray(), Enumerable.Repeat(LiteralKind.String, labels.Length).ToArray());
    }

    /// <summary><c>Union[a, b, ...]</c> (a None member makes it <c>Optional[...]</c>).</summary>
    public static FieldType Union(params FieldType[] members) => Normalize(members, null);

    /// <summary>A custom named type without arguments (e.g. <c>Image</c>); values pass through unconverted.</summary>
    public static FieldType Custom(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return Parse(name);
    }

    /// <summary>Parses a type expression such as <c>dict[str, list[int]]</c> or <c>str | None</c>.</summary>
    /// <exception cref="SignatureParseException">The expression is malformed or names an unknown lower-case type.</exception>
    public static FieldType Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return SignatureParser.ParseTypeExpression(expression);
    }

    /// <summary>Like <see cref="Parse"/> but returns false instead of throwing.</summary>
    public static bool TryParse(string expression, out FieldType? type)
    {
        try
        {
            type = Parse(expression);
            return true;
        }
        catch (SignatureParseException)
        {
            type = null;
            return false;
        }
    }

    internal static FieldType Create(string name, IReadOnlyList<FieldType>? arguments) => new(name, arguments);

    internal static FieldType CreateLiteral(IReadOnlyList<string> values, LiteralKind[] kinds) => new("Literal", null, values, kinds);

    /// <summary>Builds the canonical type of a union of members; None members make it Optional.</summary>
    internal static FieldType Normalize(IReadOnlyList<FieldType> members, FieldType? noneMarker)
    {
        var withoutNone = members.Where(m => m.Name != "None" && !ReferenceEquals(m, noneMarker)).ToList();
        var hasNone = withoutNone.Count != members.Count;
        if (withoutNone.Count == 0)
        {
            throw new ArgumentException("A union needs at least one member other than None.", nameof(members));
        }

        var core = withoutNone.Count == 1 ? withoutNone[0] : new FieldType("Union", withoutNone);
        return hasNone ? new FieldType("Optional", [core]) : core;
    }

    /// <summary>The canonical type expression, e.g. <c>dict[str, list[int]]</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Write(sb);
        return sb.ToString();
    }

    private void Write(StringBuilder sb)
    {
        sb.Append(Name);
        if (Name == "Literal" && LiteralValues.Count > 0)
        {
            sb.Append('[');
            for (var i = 0; i < LiteralValues.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }

                if (_literalKinds[i] == LiteralKind.String)
                {
                    sb.Append('\'').Append(LiteralValues[i].Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append('\'');
                }
                else
                {
                    sb.Append(LiteralValues[i]);
                }
            }

            sb.Append(']');
        }
        else if (Arguments.Count > 0)
        {
            sb.Append('[');
            for (var i = 0; i < Arguments.Count; i++)
            {
                if (i > 0)
                {
                    sb.Append(", ");
                }

                Arguments[i].Write(sb);
            }

            sb.Append(']');
        }
    }

    /// <inheritdoc />
    public bool Equals(FieldType? other)
    {
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        return Name == other.Name
            && Arguments.SequenceEqual(other.Arguments)
            && LiteralValues.SequenceEqual(other.LiteralValues, StringComparer.Ordinal)
            && _literalKinds.SequenceEqual(other._literalKinds);
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FieldType);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(ToString());

    /// <summary>Value equality.</summary>
    public static bool operator ==(FieldType? left, FieldType? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(FieldType? left, FieldType? right) => !(left == right);

    internal static string FormatNumber(double d) => d.ToString("R", CultureInfo.InvariantCulture);
}
