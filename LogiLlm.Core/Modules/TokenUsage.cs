using Microsoft.Extensions.AI;

namespace LogiLlm;

/// <summary>Tokens consumed by one call (or summed over several).</summary>
/// <param name="InputTokens">Prompt tokens.</param>
/// <param name="OutputTokens">Completion tokens.</param>
public readonly record struct TokenUsage(long InputTokens, long OutputTokens)
{
    /// <summary>No tokens.</summary>
    public static TokenUsage Zero => default;

    /// <summary>Input plus output tokens.</summary>
    public long TotalTokens => InputTokens + OutputTokens;

    /// <summary>From a Microsoft.Extensions.AI usage report (missing counts are 0).</summary>
    public static TokenUsage From(UsageDetails? usage) =>
        usage is null ? default : new TokenUsage(usage.InputTokenCount ?? 0, usage.OutputTokenCount ?? 0);

    /// <summary>Sum of two usages.</summary>
    public static TokenUsage operator +(TokenUsage left, TokenUsage right) =>
        new(left.InputTokens + right.InputTokens, left.OutputTokens + right.OutputTokens);
}
