using System.Text;

namespace LogiLlm.Adapters;

/// <summary>
/// One reusable <see cref="StringBuilder"/> per thread for the short texts an adapter writes per demo and per call
/// (a prompt with hundreds of demos writes two per demo), like the runtime's own StringBuilderCache: acquire, append,
/// take the string, and the builder is back for the next text. Texts longer than <see cref="MaxCachedCapacity"/> use a
/// builder of their own that is not kept.
/// </summary>
internal static class PromptTextBuilder
{
    /// <summary>Largest builder kept between texts (chars).</summary>
    internal const int MaxCachedCapacity = 4096;

    [ThreadStatic]
    private static StringBuilder? t_cached;

    /// <summary>An empty builder: this thread's cached one when it is free, else a new one.</summary>
    public static StringBuilder Acquire()
    {
        var sb = t_cached;
        if (sb is null)
        {
            return new StringBuilder(256);
        }

        // Taken until released, so a nested text gets a builder of its own.
        t_cached = null;
        sb.Clear();
        return sb;
    }

    /// <summary>The text of <paramref name="sb"/>, with trailing white space removed when <paramref name="trimEnd"/>; the builder is released.</summary>
    public static string ToStringAndRelease(StringBuilder sb, bool trimEnd = false)
    {
        var end = sb.Length;
        if (trimEnd)
        {
            while (end > 0 && char.IsWhiteSpace(sb[end - 1]))
            {
                end--;
            }
        }

        var text = sb.ToString(0, end);
        if (sb.Capacity <= MaxCachedCapacity)
        {
            t_cached = sb;
        }

        return text;
    }
}
