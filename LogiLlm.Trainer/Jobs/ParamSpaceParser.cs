using System.Text.Json;
using System.Text.Json.Nodes;
using LogiLlm.Optimizers;
using LogiLlm.Registry;

namespace LogiLlm.Trainer.Jobs;

/// <summary>Reads a job's <c>paramSpace</c>: each parameter a range <c>[min, max]</c> or <c>{"choices": [...]}</c>.</summary>
public static class ParamSpaceParser
{
    /// <summary>Turns a job's <c>paramSpace</c> into an optimizer parameter space (<c>[min, max]</c>, or a list of choices).</summary>
    public static ParameterSpace? TryParse(JsonObject paramSpace, Action<string, string> error)
    {
        var space = new ParameterSpace();
        var ok = true;
        if (paramSpace.Count == 0)
        {
            error("paramSpace", "The parameter space is empty; name at least one parameter, e.g. {\"temperature\": [0.0, 1.0]}.");
            return null;
        }

        foreach (var (name, value) in paramSpace)
        {
            var key = $"paramSpace.{name}";
            if (!ModuleNames.IsValidName(name))
            {
                error(key, $"'{name}' is not a valid parameter name.");
                ok = false;
                continue;
            }

            try
            {
                switch (value)
                {
                    case JsonArray { Count: 2 } range when range.All(IsNumber):
                        var integral = range.All(v => v!.GetValueKind() == JsonValueKind.Number && IsIntegral(v))
                            && name is "max_tokens" or ParameterSpec.DemoCountKey or "seed";
                        space.Add(integral
                            ? ParameterSpec.Int(name, (int)Number(range[0]!), (int)Number(range[1]!))
                            : ParameterSpec.Float(name, Number(range[0]!), Number(range[1]!)));
                        break;
                    case JsonObject { } choices when choices["choices"] is JsonArray { Count: > 0 } list:
                        space.Add(ParameterSpec.Categorical(name, list));
                        break;
                    case JsonArray { Count: > 0 } list when !list.All(IsNumber) || list.Count > 2:
                        space.Add(ParameterSpec.Categorical(name, list));
                        break;
                    default:
                        error(key, "Give a range [min, max] of two numbers, or {\"choices\": [...]}.");
                        ok = false;
                        break;
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or OverflowException)
            {
                error(key, ex.Message);
                ok = false;
            }
        }

        return ok ? space : null;
    }

    private static bool IsNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    private static double Number(JsonNode node) => node.GetValue<double>();

    private static bool IsIntegral(JsonNode node) => double.IsInteger(Number(node));

}
