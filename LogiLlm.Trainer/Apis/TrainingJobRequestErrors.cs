using System.Text.Json;
using System.Text.RegularExpressions;
using LogiLlm.Optimizers;
using LogiLlm.Trainer.Jobs;

namespace LogiLlm.Trainer.Apis;

/// <summary>
/// Turns a body that does not bind to <see cref="TrainingJobRequest"/> into a 400 entry keyed by the JSON path of the
/// bad value (<c>optimizer.maxDemos</c>), saying what the contract expects there rather than naming .NET types.
/// </summary>
internal static partial class TrainingJobRequestErrors
{
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["System.Int32"] = "a whole number written without a fraction, exponent or quotes",
        ["System.Double"] = "a number",
        ["System.String"] = "a string",
        ["System.Boolean"] = "true or false",
        [typeof(SearchStrategy).FullName!] = OneOf<SearchStrategy>(),
        [typeof(HybridStrategy).FullName!] = OneOf<HybridStrategy>(),
        [typeof(MetricType).FullName!] = OneOf<MetricType>(),
    };

    /// <summary>The error of a body that does not bind, keyed by where it is wrong.</summary>
    public static Dictionary<string, string[]> Describe(Exception ex)
    {
        // Only the optimizer is polymorphic: a NotSupportedException while binding is an optimizer without a type.
        if (ex is NotSupportedException)
        {
            return One("optimizer.type", $"The optimizer needs a \"type\": one of {string.Join(", ", OptimizerTypes.All)}.");
        }

        var json = (JsonException)ex;
        var path = json.Path is null or "$" ? "body" : json.Path.TrimStart('$', '.');
        if (path == "optimizer" && DiscriminatorId().Match(json.Message) is { Success: true } unknown)
        {
            return One("optimizer.type", $"Unknown optimizer '{unknown.Groups[1].Value}'. Known: {string.Join(", ", OptimizerTypes.All)}.");
        }

        if (UnmappedMember().Match(json.Message) is { Success: true } unmapped)
        {
            return One(path, $"'{unmapped.Groups[1].Value}' is not an option of this optimizer; see the request schema in /openapi/v1.json.");
        }

        if (ConvertedTo().Match(json.Message) is { Success: true } target && Expected.TryGetValue(Unwrap(target.Groups[1].Value), out var expected))
        {
            return One(path, $"'{path}' must be {expected}.");
        }

        return One(path, $"The body is not a valid training job: {json.Message}");
    }

    private static Dictionary<string, string[]> One(string key, string message) => new(StringComparer.Ordinal) { [key] = [message] };

    private static string Unwrap(string type) => NullableOf().Match(type) is { Success: true } inner ? inner.Groups[1].Value : type;

    private static string OneOf<TEnum>()
        where TEnum : struct, Enum => "one of " + string.Join(", ", Enum.GetValues<TEnum>().Select(v => v.ToWireName()));

    [GeneratedRegex(@"type discriminator id '([^']*)'")]
    private static partial Regex DiscriminatorId();

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"could not be converted to ([^\s]+?)\.(?: Path|$)")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"^System\.Nullable`1\[(.+)\]$")]
    private static partial Regex NullableOf();
}
