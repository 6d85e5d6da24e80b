namespace LogiLlm.Persistence;

/// <summary>
/// The property names of the objects open at the reader's position, to refuse a duplicate key in any of them. Names are
/// compared as their raw bytes (escaped names never reach here); an object with many keys switches to a hash set, so no
/// object costs more than linear time however many keys it has.
/// </summary>
internal sealed class PropertyNames(ReadOnlyMemory<byte> source)
{
    private const int LinearLimit = 16;
    private readonly NameComparer _comparer = new(source);

    // The names of the open objects, innermost last; per open object, where its names start and its set once it has many.
    private (int Start, int Length)[] _names = new (int, int)[64];
    private int _count;
    private int[] _firsts = new int[16];
    private HashSet<(int Start, int Length)>?[] _sets = new HashSet<(int, int)>?[16];
    private int _depth;

    public void Open()
    {
        if (_depth == _firsts.Length)
        {
            Array.Resize(ref _firsts, _depth * 2);
            Array.Resize(ref _sets, _depth * 2);
        }

        (_firsts[_depth], _sets[_depth]) = (_count, null);
        _depth++;
    }

    public void Close()
    {
        _depth--;
        (_count, _sets[_depth]) = (_firsts[_depth], null);
    }

    /// <summary>Adds the name at <paramref name="start"/> of <paramref name="text"/> (the source's bytes); false when the innermost open object already has it.</summary>
    public bool Add(ReadOnlySpan<byte> text, int start, int length)
    {
        var top = _depth - 1;
        if (_sets[top] is { } set)
        {
            return set.Add((start, length));
        }

        var first = _firsts[top];
        var name = text.Slice(start, length);
        for (var i = first; i < _count; i++)
        {
            var (otherStart, otherLength) = _names[i];
            if (otherLength == length && text.Slice(otherStart, otherLength).SequenceEqual(name))
            {
                return false;
            }
        }

        if (_count == _names.Length)
        {
            Array.Resize(ref _names, _count * 2);
        }

        _names[_count++] = (start, length);
        if (_count - first > LinearLimit)
        {
            _sets[top] = new HashSet<(int, int)>(_names[first.._count], _comparer);
        }

        return true;
    }
}

internal sealed class NameComparer(ReadOnlyMemory<byte> source) : IEqualityComparer<(int Start, int Length)>
{
    public bool Equals((int Start, int Length) x, (int Start, int Length) y) =>
        x.Length == y.Length && source.Span.Slice(x.Start, x.Length).SequenceEqual(source.Span.Slice(y.Start, y.Length));

    public int GetHashCode((int Start, int Length) name)
    {
        var hash = default(HashCode);
        hash.AddBytes(source.Span.Slice(name.Start, name.Length));
        return hash.ToHashCode();
    }
}
