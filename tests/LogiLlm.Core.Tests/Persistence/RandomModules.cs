using System.Globalization;
using System.Text.Json.Nodes;
using LogiLlm.Adapters;
using LogiLlm.Demos;
using LogiLlm.Providers;
using LogiLlm.Signatures;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>Seeded generator of modules with varied signatures, field types, configs, demos and nesting.</summary>
internal sealed class RandomModules(int seed)
{
    private static readonly string[] Words = ["alpha", "beta", "gamma", "delta", "email", "label", "score", "text", "query", "answer"];
    private static readonly string[] Texts =
    [
        "", "plain", "two words", "it's quoted \"twice\"", "line\nbreak\ttab", "unicode é ü 漢字 🙂", "<html>&amp;</html>", "back\\slash", "  padded  ",
    ];
    private static readonly string[] Labels = ["yes", "no", "it's", "two words", "back\\slash", "é"];
    private static readonly string[] SafeConfigKeys = ["temperature", "max_tokens", "top_p", "stop", "seed", "presence_penalty", "custom_mode", "nested_options", "retries_hint"];
    private static readonly string[] Scalars = ["str", "int", "float", "bool", "bytes", "Any"];

    private readonly Random _random = new(seed);

    public Module Module(int depth = 0)
    {
        var pick = depth >= 2 ? _random.Next(2) : _random.Next(4);
        Module module = pick switch
        {
            0 => new Predict(Signature()),
            1 => new ChainOfThought(Signature()),
            _ => new Pipeline(),
        };

        if (module is Pipeline)
        {
            var children = _random.Next(4);
            for (var i = 0; i < children; i++)
            {
                module.AddChild($"{Words[_random.Next(Words.Length)]}_{i}", Module(depth + 1));
            }

            if (_random.Next(3) == 0)
            {
                module.Signature = Signature();
            }
        }

        Fill(module);
        return module;
    }

    private void Fill(Module module)
    {
        foreach (var key in SafeConfigKeys.Where(_ => _random.Next(3) == 0))
        {
            module.Config[key] = key switch
            {
                // Within the ranges the loader accepts (temperature and penalties 0-2, top_p 0-1).
                "temperature" or "presence_penalty" => Math.Round(_random.NextDouble() * 2, _random.Next(1, 16)),
                "top_p" => Math.Round(_random.NextDouble(), _random.Next(1, 16)),
                "max_tokens" or "seed" => _random.Next(1, 100_000),
                "stop" => new JsonArray(Texts.Take(_random.Next(1, 3)).Select(t => (JsonNode?)t).ToArray()),
                _ => Json(2),
            };
        }

        module.Metadata = RandomObject(3);
        module.State = _random.Next(5) switch
        {
            0 => ModuleState.Initialized,
            1 => ModuleState.Optimized,
            2 => ModuleState.Compiled,
            3 => ModuleState.Training,
            _ => new ModuleState("custom-state"),
        };

        var adapter = AdapterFactory.WireNames[_random.Next(AdapterFactory.WireNames.Count)];
        module.Adapter = AdapterFactory.Create(adapter, _random.Next(2) == 0 ? [] : new JsonObject { ["custom_mode"] = Words[_random.Next(Words.Length)] });

        module.DemoManager.MaxDemos = _random.Next(0, 10);
        module.DemoManager.SelectionStrategy = (DemoSelectionStrategy)_random.Next(3);
        module.DemoManager.Seed = _random.Next(2) == 0 ? null : _random.Next();
        if (module.Signature is { } signature)
        {
            for (var i = _random.Next(6); i > 0; i--)
            {
                module.DemoManager.Demos.Add(Demo(signature));
            }

            for (var i = _random.Next(3); i > 0; i--)
            {
                module.DemoManager.TeacherDemos.Add(Demo(signature));
            }
        }

        if (_random.Next(4) == 0)
        {
            module.Provider = new Provider("mock", "mock-" + Words[_random.Next(Words.Length)], new MockChatClient("m"), new Dictionary<string, JsonNode?> { ["temperature"] = 0.5, ["max_tokens"] = _random.Next(1, 999) });
        }
    }

    private Demo Demo(Signature signature)
    {
        var inputs = signature.InputFields.ToDictionary(f => f.Name, _ => Json(2));
        var outputs = signature.OutputFields.ToDictionary(f => f.Name, _ => Json(2));
        return new Demo(inputs, outputs)
        {
            Score = _random.Next(4) == 0 ? 1.0 : _random.NextDouble(),
            Source = new[] { "manual", "bootstrap", "labeled" }[_random.Next(3)],
            Metadata = RandomObject(2),
            Timestamp = _random.Next(3) == 0 ? null : new DateTime(2020, 1, 1).AddSeconds(_random.Next()).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        };
    }

    public Signature Signature()
    {
        var inputs = Enumerable.Range(0, _random.Next(0, 4)).Select(i => Field($"in_{i}_{Words[_random.Next(Words.Length)]}", FieldKind.Input)).ToArray();
        var outputs = Enumerable.Range(0, _random.Next(1, 4)).Select(i => Field($"out_{i}_{Words[_random.Next(Words.Length)]}", FieldKind.Output)).ToArray();
        var instructions = _random.Next(3) == 0 ? null : Texts[_random.Next(Texts.Length)];
        return new Signature(inputs, outputs, instructions, _random.Next(2) == 0 ? null : RandomObject(2), _random.Next(4) == 0 ? "EmailSignature" : "BaseSignature");
    }

    private FieldSpec Field(string name, FieldKind kind) => new(name, kind, FieldType.Parse(TypeExpression(0)))
    {
        Description = _random.Next(3) == 0 ? null : Texts[_random.Next(Texts.Length)],
        Required = _random.Next(4) != 0,
        Default = _random.Next(3) == 0 ? Json(2) : null,
        Constraints = _random.Next(2) == 0 ? [] : RandomObject(1),
        Metadata = _random.Next(2) == 0 ? [] : RandomObject(2),
    };

    public string TypeExpression(int depth, bool allowOptional = true)
    {
        var choice = depth >= 3 ? 0 : _random.Next(11);
        return choice switch
        {
            0 or 1 => Scalars[_random.Next(Scalars.Length)],
            2 => $"list[{TypeExpression(depth + 1)}]",
            3 => $"dict[str, {TypeExpression(depth + 1)}]",
            4 when allowOptional => $"Optional[{TypeExpression(depth + 1, allowOptional: false)}]",
            5 => "Literal[" + string.Join(", ", Labels.OrderBy(_ => _random.Next()).Take(_random.Next(1, 4)).Select(Quote)) + "]",
            6 => $"Union[{Scalars[_random.Next(4)]}, list[{TypeExpression(depth + 1)}]]",
            7 => $"set[{Scalars[_random.Next(4)]}]",
            8 => $"tuple[{TypeExpression(depth + 1)}, {TypeExpression(depth + 1)}]",
            9 => _random.Next(2) == 0 ? "Fraction" : "list",
            _ => "dict",
        };
    }

    private static string Quote(string label) => "'" + label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

    private JsonObject RandomObject(int depth)
    {
        var obj = new JsonObject();
        for (var i = _random.Next(4); i > 0; i--)
        {
            obj[$"{Words[_random.Next(Words.Length)]}_{i}"] = Json(depth - 1);
        }

        return obj;
    }

    private JsonNode? Json(int depth)
    {
        var choice = depth <= 0 ? _random.Next(6) : _random.Next(8);
        return choice switch
        {
            0 => null,
            1 => _random.Next(2) == 0,
            2 => _random.NextInt64(long.MinValue / 2, long.MaxValue / 2),
            3 => (_random.NextDouble() - 0.5) * Math.Pow(10, _random.Next(-5, 12)),
            4 or 5 => Texts[_random.Next(Texts.Length)],
            6 => new JsonArray(Enumerable.Range(0, _random.Next(4)).Select(_ => Json(depth - 1)).ToArray()),
            _ => RandomObject(depth),
        };
    }
}
