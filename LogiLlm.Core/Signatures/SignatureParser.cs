using System.Globalization;
using System.Text;

namespace LogiLlm.Signatures;

/// <summary>
/// Recursive-descent parser of signature strings (<c>"email: str, tags: list[str] -> category: str"</c>)
/// and type expressions. Positions in errors are offsets into the whole text.
/// </summary>
/// <remarks>
/// Longer than most files on purpose: one grammar, read by one set of mutually recursive methods over one cursor;
/// splitting the type grammar from the field grammar would only pass the cursor between files.
/// </remarks>
internal sealed class SignatureParser
{
    private const string KnownTypes = "str, int, float, bool, bytes, list, dict, set, tuple, Optional, Union, Literal, Any, or a capitalised custom type name";
    private const string KnownGenerics = "list, dict, set, tuple, Optional, Union, Literal";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["List"] = "list",
        ["Dict"] = "dict",
        ["Set"] = "set",
        ["Tuple"] = "tuple",
    };

    private static readonly HashSet<string> Scalars = new(StringComparer.Ordinal) { "str", "int", "float", "bool", "bytes", "Any" };

    private static readonly Dictionary<string, (int Min, int Max)> Generics = new(StringComparer.Ordinal)
    {
        ["list"] = (1, 1),
        ["set"] = (1, 1),
        ["tuple"] = (1, int.MaxValue),
        ["dict"] = (2, 2),
        ["Optional"] = (1, 1),
        ["Union"] = (2, int.MaxValue),
        ["Literal"] = (1, int.MaxValue),
    };

    private static readonly FieldType NoneType = FieldType.Create("None", null);

    /// <summary>Longest signature or type expression read; longer text (hostile, or not a signature) is refused unread.</summary>
    public const int MaxLength = 16 * 1024;

    /// <summary>Deepest nesting of type arguments (<c>list[list[...]]</c>); the parser recurses per level.</summary>
    public const int MaxTypeDepth = 32;

    private readonly string _text;
    private int _pos;
    private int _depth;

    private SignatureParser(string text)
    {
        _text = text;
        if (text.Length > MaxLength)
        {
            throw Fail(MaxLength, $"the text is {text.Length} characters long; at most {MaxLength} are accepted");
        }
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Current => _text[_pos];

    private bool AtArrow => _pos + 1 < _text.Length && _text[_pos] == '-' && _text[_pos + 1] == '>';

    public static FieldType ParseTypeExpression(string text)
    {
        var parser = new SignatureParser(text);
        parser.SkipWhitespace();
        if (parser.AtEnd)
        {
            throw parser.Fail(parser._pos, "expected a type expression, found end of input");
        }

        var type = parser.ParseType();
        parser.SkipWhitespace();
        if (!parser.AtEnd)
        {
            throw parser.Fail(parser._pos, $"unexpected {parser.Describe()} after the type; expected end of expression");
        }

        return type;
    }

    public static (List<FieldSpec> Inputs, List<FieldSpec> Outputs) ParseSignature(string text)
    {
        var parser = new SignatureParser(text);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var inputs = new List<FieldSpec>();
        var outputs = new List<FieldSpec>();

        parser.SkipWhitespace();
        if (parser.AtEnd)
        {
            throw parser.Fail(parser._pos, "empty signature; expected \"inputs -> outputs\"");
        }

        if (!parser.AtArrow)
        {
            while (true)
            {
                inputs.Add(parser.ParseField(FieldKind.Input, seen));
                parser.SkipWhitespace();
                if (parser.AtEnd)
                {
                    throw parser.Fail(parser._pos, "missing '->' between input and output fields");
                }

                if (parser.Current == ',')
                {
                    parser._pos++;
                    continue;
                }

                if (parser.AtArrow)
                {
                    break;
                }

                throw parser.UnexpectedAfterField(inputs[^1].Name);
            }
        }

        parser._pos += 2;
        parser.SkipWhitespace();
        if (parser.AtEnd)
        {
            throw parser.Fail(parser._pos, "expected at least one output field after '->'");
        }

        while (true)
        {
            outputs.Add(parser.ParseField(FieldKind.Output, seen));
            parser.SkipWhitespace();
            if (parser.AtEnd)
            {
                break;
            }

            if (parser.Current == ',')
            {
                parser._pos++;
                continue;
            }

            if (parser.AtArrow)
            {
                throw parser.Fail(parser._pos, "unexpected second '->'; a signature has exactly one arrow");
            }

            throw parser.UnexpectedAfterField(outputs[^1].Name);
        }

        return (inputs, outputs);
    }

    private FieldSpec ParseField(FieldKind kind, Dictionary<string, int> seen)
    {
        SkipWhitespace();
        var start = _pos;
        var name = ReadIdentifier(allowDots: false);
        if (name.Length == 0)
        {
            if (AtEnd || Current is ',' or ':' || AtArrow)
            {
                throw Fail(start, $"empty field name; expected {(kind == FieldKind.Input ? "an input" : "an output")} field name");
            }

            throw Fail(start, $"expected a field name (letters, digits, '_'), found {Describe()}");
        }

        if (seen.TryGetValue(name, out var first))
        {
            throw Fail(start, $"duplicate field name '{name}' (first defined at position {first})");
        }

        seen[name] = start;
        SkipWhitespace();
        var type = FieldType.Str;
        if (!AtEnd && Current == ':')
        {
            _pos++;
            SkipWhitespace();
            if (AtEnd || Current == ',' || AtArrow)
            {
                throw Fail(_pos, $"expected a type after ':' of field '{name}'");
            }

            type = ParseType();
        }

        return new FieldSpec(name, kind, type);
    }

    private SignatureParseException UnexpectedAfterField(string field)
    {
        if (Current == ']')
        {
            throw Fail(_pos, "unbalanced ']' without a matching '['");
        }

        return Fail(_pos, $"expected ',', ':' or '->' after field '{field}', found {Describe()}");
    }

    private FieldType ParseType(bool allowBareNone = false)
    {
        var start = _pos;
        var members = new List<FieldType> { ParsePrimary() };
        while (true)
        {
            SkipWhitespace();
            if (AtEnd || Current != '|')
            {
                break;
            }

            _pos++;
            SkipWhitespace();
            members.Add(ParsePrimary());
        }

        if (!allowBareNone && members.All(m => ReferenceEquals(m, NoneType)))
        {
            throw Fail(start, "'None' alone is not a field type; write 'T | None' or 'Optional[T]'");
        }

        return members.Count == 1 ? members[0] : FieldType.Normalize(members, NoneType);
    }

    private FieldType ParsePrimary()
    {
        SkipWhitespace();
        var start = _pos;
        var written = ReadIdentifier(allowDots: true);
        if (written.Length == 0)
        {
            throw Fail(start, AtEnd ? "expected a type, found end of input" : $"expected a type, found {Describe()}");
        }

        var name = written.StartsWith("typing.", StringComparison.Ordinal) ? written["typing.".Length..] : written;
        name = Aliases.GetValueOrDefault(name, name);
        SkipWhitespace();
        if (!AtEnd && Current == '[')
        {
            var open = _pos;
            _pos++;
            if (name == "Literal")
            {
                return ParseLiteralValues(open);
            }

            if (!Generics.TryGetValue(name, out var arity))
            {
                if (Scalars.Contains(name))
                {
                    throw Fail(start, $"type '{written}' does not take type arguments");
                }

                throw Fail(start, $"unknown generic type '{written}'; expected one of {KnownGenerics}");
            }

            if (++_depth > MaxTypeDepth)
            {
                throw Fail(open, $"type arguments are nested more than {MaxTypeDepth} levels deep");
            }

            var args = ParseTypeArguments(open);
            _depth--;
            if (args.Count < arity.Min || args.Count > arity.Max)
            {
                var expected = arity.Min == arity.Max ? $"{arity.Min}" : $"at least {arity.Min}";
                throw Fail(start, $"'{written}' takes {expected} type argument(s), got {args.Count}");
            }

            if (args.Any(a => ReferenceEquals(a, NoneType)))
            {
                if (name == "Union")
                {
                    return FieldType.Normalize(args, NoneType);
                }

                throw Fail(start, $"'None' is not a valid type argument of '{written}'");
            }

            return FieldType.Create(name, args);
        }

        if (name == "None")
        {
            return NoneType;
        }

        if (Scalars.Contains(name) || Generics.ContainsKey(name))
        {
            return FieldType.Create(name, null);
        }

        var lastSegment = name[(name.LastIndexOf('.') + 1)..];
        if (lastSegment.Length > 0 && char.IsUpper(lastSegment[0]))
        {
            return FieldType.Create(name, null);
        }

        throw Fail(start, $"unknown type '{written}'; expected one of {KnownTypes}");
    }

    private List<FieldType> ParseTypeArguments(int open)
    {
        var args = new List<FieldType>();
        while (true)
        {
            SkipWhitespace();
            if (AtEnd)
            {
                throw Fail(_pos, $"unbalanced brackets: expected ']' to close '[' at position {open}, found end of input");
            }

            if (Current == ']' && args.Count == 0)
            {
                throw Fail(_pos, "expected a type argument inside '[]'");
            }

            args.Add(ParseType(allowBareNone: true));
            if (!MoreItems(open, $"unbalanced brackets: expected ',' or ']' to close '[' at position {open}"))
            {
                return args;
            }
        }
    }

    /// <summary>
    /// After an item of a bracketed list opened at <paramref name="open"/>: true past a ',' (another item follows),
    /// false past the closing ']'; anything else fails with <paramref name="expected"/> and what was found.
    /// </summary>
    private bool MoreItems(int open, string expected)
    {
        SkipWhitespace();
        if (AtEnd)
        {
            throw Fail(_pos, $"unbalanced brackets: expected ']' to close '[' at position {open}, found end of input");
        }

        if (Current is ',' or ']')
        {
            var another = Current == ',';
            _pos++;
            return another;
        }

        throw Fail(_pos, $"{expected}, found {Describe()}");
    }

    private FieldType ParseLiteralValues(int open)
    {
        var values = new List<string>();
        var kinds = new List<LiteralKind>();
        while (true)
        {
            SkipWhitespace();
            if (AtEnd)
            {
                throw Fail(_pos, $"unbalanced brackets: expected ']' to close '[' at position {open}, found end of input");
            }

            var (value, kind) = ReadLiteral();
            values.Add(value);
            kinds.Add(kind);
            if (!MoreItems(open, $"expected ',' or ']' in Literal[...] opened at position {open}"))
            {
                return FieldType.CreateLiteral(values, [.. kinds]);
            }
        }
    }

    private (string Value, LiteralKind Kind) ReadLiteral()
    {
        var start = _pos;
        var c = Current;
        if (c is '\'' or '"')
        {
            var quote = c;
            _pos++;
            var sb = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw Fail(start, "unterminated string literal");
                }

                var ch = Current;
                _pos++;
                if (ch == quote)
                {
                    return (sb.ToString(), LiteralKind.String);
                }

                if (ch == '\\' && !AtEnd)
                {
                    var next = Current;
                    _pos++;
                    sb.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
                    continue;
                }

                sb.Append(ch);
            }
        }

        if (char.IsAsciiDigit(c) || c == '-')
        {
            _pos++;
            while (!AtEnd && (char.IsAsciiDigit(Current) || Current is '.' or 'e' or 'E' or '+' or '-'))
            {
                _pos++;
            }

            var text = _text[start.._pos];
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                return (text, LiteralKind.Integer);
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                return (text, LiteralKind.Float);
            }

            throw Fail(start, $"invalid number '{text}' in Literal[...]");
        }

        var word = ReadIdentifier(allowDots: false);
        return word switch
        {
            "True" or "False" => (word, LiteralKind.Boolean),
            "None" => (word, LiteralKind.None),
            _ => throw Fail(start, $"expected a literal value (quoted string, number, True, False or None), found {(word.Length > 0 ? $"'{word}'" : Describe())}"),
        };
    }

    private string ReadIdentifier(bool allowDots)
    {
        var start = _pos;
        if (AtEnd || !(char.IsLetter(Current) || Current == '_'))
        {
            return string.Empty;
        }

        _pos++;
        while (!AtEnd)
        {
            var c = Current;
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                _pos++;
            }
            else if (allowDots && c == '.' && _pos + 1 < _text.Length && (char.IsLetter(_text[_pos + 1]) || _text[_pos + 1] == '_'))
            {
                _pos++;
            }
            else
            {
                break;
            }
        }

        return _text[start.._pos];
    }

    private void SkipWhitespace()
    {
        while (!AtEnd && char.IsWhiteSpace(Current))
        {
            _pos++;
        }
    }

    private string Describe() => AtEnd ? "end of input" : AtArrow ? "'->'" : $"'{Current}'";

    private SignatureParseException Fail(int position, string problem) => new(_text, position, problem);
}
