using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Demos;
using K = LogiLlm.Persistence.ModuleFileFormat.Keys;

namespace LogiLlm.Persistence;

/// <summary>
/// The fast read of a module file: one forward pass of <see cref="Utf8JsonReader"/> over the bytes that checks what the
/// load's parse checks (syntax, nesting limit, no duplicate keys), builds the module tree's demos straight from their bytes
/// (values kept as copies of their JSON text, <see cref="JsonSliceValues"/>) and returns the rest of the file, without the
/// demo lists, as a small node tree. No <see cref="JsonDocument"/> of the whole file is built (its index costs as much as the
/// pass itself), and nothing built keeps a reference to the file's bytes, so a rented buffer can go back to its pool.
/// </summary>
/// <remarks>
/// It only takes files it reads exactly as the full path would. Anything else (invalid JSON, a duplicate key, an escaped
/// property name, a demo of an unexpected shape) returns null and the caller parses the file the usual way, which then
/// reports the precise error: this pass never decides what is wrong, only that nothing is. Longer than most files: one reader
/// over the module tree (module, children, demo manager, demo lists, demo) whose steps share the reader's position, so they
/// stay one type; the pieces that stand alone are <see cref="PropertyNames"/> and <see cref="SliceArena"/>.
/// </remarks>
internal static class ModuleScan
{
    /// <summary>What the pass read: the file without its demo lists, and the demos of each module of the tree.</summary>
    internal sealed record Result(JsonObject Rest, ScannedDemos Demos);

    /// <summary>Reads <paramref name="utf8"/> (the load's own buffer, which the demos keep slices of), or null when the full path must.</summary>
    public static Result? TryRead(ReadOnlyMemory<byte> utf8, int maxDepth)
    {
        var scanner = new Scanner(utf8, maxDepth);
        try
        {
            return scanner.Read();
        }
        catch (JsonException)
        {
            return null;
        }
        catch (IrregularException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            // Text that is not valid UTF-8 where the pass reads a string: the full parse says where.
            return null;
        }
    }

    /// <summary>Left by the pass for what it does not read itself; the full path reads it and says what is wrong.</summary>
    private sealed class IrregularException : Exception;

    private ref struct Scanner
    {
        private readonly ReadOnlySpan<byte> _text;
        private readonly PropertyNames _names;
        private readonly List<Range> _lists = [];
        private readonly SliceArena _arena = new();
        private Utf8JsonReader _reader;

        public Scanner(ReadOnlyMemory<byte> source, int maxDepth)
        {
            _text = source.Span;
            _names = new PropertyNames(source);
            _reader = new Utf8JsonReader(source.Span, new JsonReaderOptions
            {
                MaxDepth = Math.Clamp(maxDepth, 1, DocumentReader.MaxSupportedDepth),
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
            });
        }

        public Result? Read()
        {
            if (!Next() || _reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            var demos = Module();
            if (Next())
            {
                return null;
            }

            var rest = DemoLists.Without(_text, _lists);
            return new Result(rest, demos);
        }

        // Every token goes through here, so that every object of the file is checked for duplicate keys.
        private bool Next()
        {
            if (!_reader.Read())
            {
                return false;
            }

            switch (_reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    _names.Open();
                    break;
                case JsonTokenType.EndObject:
                    _names.Close();
                    break;
                case JsonTokenType.PropertyName:
                    if (_reader.ValueIsEscaped || !_names.Add(_text, (int)_reader.TokenStartIndex + 1, _reader.ValueSpan.Length))
                    {
                        throw new IrregularException();
                    }

                    break;
            }

            return true;
        }

        private void Skip()
        {
            if (_reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                var depth = _reader.CurrentDepth;
                while (Next() && _reader.CurrentDepth > depth)
                {
                }
            }
        }

        private bool NameIs(ReadOnlySpan<byte> name) => _reader.ValueSpan.SequenceEqual(name);

        // At the module's StartObject; follows demo_manager and modules only, as DemoLists does.
        private ScannedDemos Module()
        {
            var module = new ScannedDemos();
            while (Next() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                if (NameIs("demo_manager"u8))
                {
                    Next();
                    if (_reader.TokenType == JsonTokenType.StartObject)
                    {
                        Manager(module);
                        continue;
                    }
                }
                else if (NameIs("modules"u8))
                {
                    Next();
                    if (_reader.TokenType == JsonTokenType.StartObject)
                    {
                        Children(module);
                        continue;
                    }
                }
                else
                {
                    Next();
                }

                Skip();
            }

            return module;
        }

        private void Children(ScannedDemos module)
        {
            while (Next() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = _reader.GetString()!;
                Next();
                if (_reader.TokenType == JsonTokenType.StartObject)
                {
                    (module.Children ??= new Dictionary<string, ScannedDemos>(StringComparer.Ordinal))[name] = Module();
                }
                else
                {
                    Skip();
                }
            }
        }

        private void Manager(ScannedDemos module)
        {
            while (Next() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                var teacher = NameIs("teacher_demos"u8);
                var demos = teacher || NameIs("demos"u8);
                Next();
                if (demos && _reader.TokenType == JsonTokenType.StartArray)
                {
                    var list = List();
                    if (teacher)
                    {
                        module.TeacherDemos = list;
                    }
                    else
                    {
                        module.Demos = list;
                    }
                }
                else
                {
                    Skip();
                }
            }
        }

        // At a demo list's StartArray; an empty list stays in the rest as it is.
        private List<Demo>? List()
        {
            var start = (int)_reader.TokenStartIndex;
            List<Demo>? demos = null;
            while (Next() && _reader.TokenType != JsonTokenType.EndArray)
            {
                if (_reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new IrregularException();
                }

                (demos ??= []).Add(Demo());
            }

            if (demos is not null)
            {
                _lists.Add(new Range(start, (int)_reader.TokenStartIndex + 1));
            }

            return demos;
        }

        // At a demo's StartObject: what DemoJson reads from a regular demo, from the same bytes.
        private Demo Demo()
        {
            ReadOnlyMemory<byte>? inputs = null, outputs = null, metadata = null;
            int inputCount = 0, outputCount = 0, metadataCount = 0;
            double? score = null;
            string? source = null, timestamp = null;
            while (Next() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                if (NameIs("inputs"u8))
                {
                    inputs = Object(out inputCount);
                }
                else if (NameIs("outputs"u8))
                {
                    outputs = Object(out outputCount);
                }
                else if (NameIs("score"u8))
                {
                    Next();
                    score = _reader.TokenType == JsonTokenType.Null ? null
                        : _reader.TokenType == JsonTokenType.Number && _reader.TryGetDouble(out var d) && double.IsFinite(d) ? d
                        : throw new IrregularException();
                }
                else if (NameIs("source"u8))
                {
                    Next();
                    source = KnownSource() ?? OptionalString();
                }
                else if (NameIs("metadata"u8))
                {
                    Next();
                    if (_reader.TokenType != JsonTokenType.Null)
                    {
                        metadata = ObjectHere(out metadataCount);
                    }
                }
                else if (NameIs("timestamp"u8))
                {
                    Next();
                    timestamp = OptionalString();
                }
                else
                {
                    Next();
                    Skip();
                }
            }

            var demo = new Demo(
                new JsonSliceValues(inputs ?? throw new IrregularException(), inputCount),
                new JsonSliceValues(outputs ?? throw new IrregularException(), outputCount))
            {
                Score = score ?? 1.0,
                Source = source ?? "manual",
                Timestamp = timestamp,
            };

            // Without metadata the demo's empty object is made only if something reads it.
            return metadata is { } m && metadataCount > 0 ? demo with { Metadata = JsonSliceValues.ParseObject(m) } : demo;
        }

        private ReadOnlyMemory<byte> Object(out int count)
        {
            Next();
            return ObjectHere(out count);
        }

        // At a StartObject (anything else is irregular): a copy of its bytes, and how many properties it has.
        private ReadOnlyMemory<byte> ObjectHere(out int count)
        {
            if (_reader.TokenType != JsonTokenType.StartObject)
            {
                throw new IrregularException();
            }

            var start = (int)_reader.TokenStartIndex;
            count = 0;
            while (Next() && _reader.TokenType == JsonTokenType.PropertyName)
            {
                count++;
                Next();
                Skip();
            }

            return _arena.Copy(_text[start..((int)_reader.TokenStartIndex + 1)]);
        }

        private string? KnownSource() =>
            _reader.TokenType != JsonTokenType.String || _reader.ValueIsEscaped ? null
            : _reader.ValueSpan.SequenceEqual("bootstrap"u8) ? "bootstrap"
            : _reader.ValueSpan.SequenceEqual("manual"u8) ? "manual"
            : _reader.ValueSpan.SequenceEqual("labeled"u8) ? "labeled"
            : null;

        private string? OptionalString() => _reader.TokenType switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => _reader.GetString(),
            _ => throw new IrregularException(),
        };
    }
}
