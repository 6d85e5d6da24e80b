namespace LogiLlm.Persistence;

/// <summary>
/// The property names of the objects open at the reader's position, to refuse a duplicate key in any of them. Names are
/// compared as their raw bytes (escaped names never reach here); an object with many keys switches to a hash set, so no
/// object costs more than linear time however many keys it has.
/// </summary>
internal sealed class PropertyNames(ReadOnlyMemory<byte> source)
{
    private const int LinearLimit = 16;
    private readonly List<(int Start, int Length)> _names = [];
    private readonly Stack<(int First, HashSet<(int Start, int Length)>? Set)> _objects = [];
    private readonly NameComparer _comparer = new(source);

    public void Open() => _objects.Push((_names.Count, null));

    public void Close()
    {
        var (first, _) = _objects.Pop();
        _names.RemoveRange(first, _names.Count - first);
    }

    /// <summary>Adds the name at <paramref name="start"/>; false when the innermost open object already has it.</summary>
    public bool Add(int start, int length)
    {
        var (first, set) = _objects.Peek();
        var name = (start, length);
        if (set is not null)
        {
            return set.Add(name);
        }

        var span = source.Span;
        var text = span.Slice(start, length);
        for (var i = first; i < _names.Count; i++)
        {
            var (otherStart, otherLength) = _names[i];
            if (otherLength == length && span.Slice(otherStart, otherLength).SequenceEqual(text))
            {
                return false;
            }
        }

        _names.Add(name);
        if (_names.Count - first > LinearLimit)
        {
            _objects.Pop();
            _objects.Push((first, new HashSet<(int, int)>(_names.Skip(first), _comparer)));
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
