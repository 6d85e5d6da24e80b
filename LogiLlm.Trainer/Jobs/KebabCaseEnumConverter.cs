using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogiLlm.Trainer.Jobs;

/// <summary>Enum values as lower-kebab strings (<c>grid</c>, <c>exact-match</c>); numbers are refused.</summary>
public sealed class KebabCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>The wire name of an enum value, as <see cref="KebabCaseEnumConverter{TEnum}"/> writes it.</summary>
public static class WireNames
{
    /// <summary><c>ExactMatch</c> is <c>exact-match</c>.</summary>
    public static string ToWireName<TEnum>(this TEnum value)
        where TEnum : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
