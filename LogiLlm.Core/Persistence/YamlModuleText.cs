using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace LogiLlm.Persistence;

/// <summary>
/// The YAML form of a module document: the same keys and values as the JSON form, so digest and signature are the same.
/// Strings are always double-quoted and numbers, booleans and null plain, so no YAML type guessing can change a value.
/// Reading turns YAML into the equivalent JSON bytes, which then go through exactly the JSON loader (limits, no duplicate
/// keys, digest, signature); anchors, aliases, tags and multi-document streams are refused.
/// </summary>
internal static partial class YamlModuleText
{
    public static byte[] Write(JsonObject document)
    {
        var text = new StringBuilder(64 * 1024);
        text.Append("# LogiLlm module (YAML form of the JSON document)\n");
        using (var writer = new StringWriter(text, System.Globalization.CultureInfo.InvariantCulture))
        {
            var emitter = new Emitter(writer, bestIndent: 2, bestWidth: int.MaxValue);
            emitter.Emit(new StreamStart());
            emitter.Emit(new DocumentStart());
            Emit(emitter, document);
            emitter.Emit(new DocumentEnd(isImplicit: true));
            emitter.Emit(new StreamEnd());
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                Plain(emitter, "null");
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, isImplicit: true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    if (SimpleKey().IsMatch(key) && !IsReserved(key))
                    {
                        Plain(emitter, key);
                    }
                    else
                    {
                        Quoted(emitter, key);
                    }

                    Emit(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, isImplicit: true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        Quoted(emitter, value.GetValue<string>());
                        break;
                    case JsonValueKind.Number:
                        Plain(emitter, value.ToJsonString());
                        break;
                    case JsonValueKind.True:
                        Plain(emitter, "true");
                        break;
                    case JsonValueKind.False:
                        Plain(emitter, "false");
                        break;
                    default:
                        Plain(emitter, "null");
                        break;
                }

                break;
        }
    }

    private static void Plain(IEmitter emitter, string text) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));

    private static void Quoted(IEmitter emitter, string text) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.DoubleQuoted, isPlainImplicit: false, isQuotedImplicit: true));

    private static bool IsReserved(string key) => key is "true" or "false" or "null" or "yes" or "no" or "on" or "off" or "y" or "n";

    /// <summary>True when <paramref name="utf8"/> looks like a YAML mapping rather than JSON (which starts with <c>{</c>).</summary>
    public static bool IsYaml(ReadOnlySpan<byte> utf8)
    {
        var i = 0;
        if (utf8.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            i = 3;
        }

        while (i < utf8.Length && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        if (i >= utf8.Length || utf8[i] is (byte)'{' or (byte)'[')
        {
            return false;
        }

        var rest = utf8[i..];
        if (rest.StartsWith("#"u8) || rest.StartsWith("%YAML"u8) || rest.StartsWith("---"u8))
        {
            return true;
        }

        var line = rest[..Math.Min(rest.Length, 256)];
        var end = line.IndexOf((byte)'\n');
        return YamlKeyLine().IsMatch(Encoding.UTF8.GetString(end < 0 ? line : line[..end]));
    }

    /// <summary>The JSON bytes of a YAML module document.</summary>
    public static byte[] ToJson(ReadOnlyMemory<byte> utf8, int maxDepth, DocumentReader r)
    {
        var buffer = new ArrayBufferWriter<byte>(utf8.Length + 1024);
        try
        {
            using var reader = new StreamReader(new MemoryStream(utf8.ToArray(), writable: false), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            var parser = new Parser(reader);
            using var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { MaxDepth = Math.Max(1, maxDepth) + 1, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            parser.Consume<StreamStart>();
            if (!parser.TryConsume<DocumentStart>(out _))
            {
                throw r.Fail("Empty YAML document, expected a mapping", JsonPaths.Root);
            }

            var depth = 0;
            Convert(parser, writer, ref depth, maxDepth, r, isKey: false);
            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                throw r.Fail("A YAML module file holds one document; found more", JsonPaths.Root);
            }

            writer.Flush();
        }
        catch (YamlException e)
        {
            throw r.Fail($"Invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", JsonPaths.Root, e);
        }
        catch (InvalidOperationException e)
        {
            throw r.Fail($"Invalid YAML: {e.Message}", JsonPaths.Root, e);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Convert(IParser parser, Utf8JsonWriter writer, ref int depth, int maxDepth, DocumentReader r, bool isKey)
    {
        var current = parser.Current ?? throw r.Fail("Unexpected end of YAML", JsonPaths.Root);
        if (current is NodeEvent { Anchor.IsEmpty: false } || current is AnchorAlias)
        {
            throw r.Fail($"YAML anchors and aliases are not allowed in module files (line {current.Start.Line})", JsonPaths.Root);
        }

        if (current is NodeEvent { Tag.IsEmpty: false } tagged && !tagged.Tag.IsNonSpecific)
        {
            throw r.Fail($"YAML tags are not allowed in module files (line {current.Start.Line})", JsonPaths.Root);
        }

        switch (current)
        {
            case Scalar scalar:
                parser.MoveNext();
                if (isKey)
                {
                    writer.WritePropertyName(scalar.Value);
                }
                else if (scalar.Style != ScalarStyle.Plain)
                {
                    writer.WriteStringValue(scalar.Value);
                }
                else
                {
                    WritePlain(writer, scalar.Value);
                }

                return;
            case MappingStart when isKey:
            case SequenceStart when isKey:
                throw r.Fail($"YAML keys must be scalars (line {current.Start.Line})", JsonPaths.Root);
            case MappingStart:
                if (++depth > maxDepth)
                {
                    throw r.Fail($"YAML nesting is deeper than the limit {maxDepth}", JsonPaths.Root);
                }

                parser.MoveNext();
                writer.WriteStartObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    Convert(parser, writer, ref depth, maxDepth, r, isKey: true);
                    Convert(parser, writer, ref depth, maxDepth, r, isKey: false);
                }

                writer.WriteEndObject();
                depth--;
                return;
            case SequenceStart:
                if (++depth > maxDepth)
                {
                    throw r.Fail($"YAML nesting is deeper than the limit {maxDepth}", JsonPaths.Root);
                }

                parser.MoveNext();
                writer.WriteStartArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    Convert(parser, writer, ref depth, maxDepth, r, isKey: false);
                }

                writer.WriteEndArray();
                depth--;
                return;
            default:
                throw r.Fail($"Unexpected YAML {current.GetType().Name} at line {current.Start.Line}", JsonPaths.Root);
        }
    }

    private static void WritePlain(Utf8JsonWriter writer, string text)
    {
        // YAML 1.2 core schema, restricted to what has one JSON meaning.
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
        }

        if (JsonNumber().IsMatch(text))
        {
            // Kept as written, so the canonical form (and the digest) is that of the JSON document.
            writer.WriteRawValue(text, skipInputValidation: false);
            return;
        }

        writer.WriteStringValue(text);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SimpleKey();

    [GeneratedRegex("^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex JsonNumber();

    [GeneratedRegex("^(\"[^\"]*\"|'[^']*'|[A-Za-z_][A-Za-z0-9_.-]*)\\s*:(\\s|$)", RegexOptions.CultureInvariant)]
    private static partial Regex YamlKeyLine();
}
