namespace LogiLlm.Persistence;

/// <summary>
/// Copies of the demo values a load keeps, packed into arrays below the large-object heap's threshold (one per value would
/// be thousands of small objects; one slice of the file would keep the whole file alive, and on the large-object heap).
/// </summary>
internal sealed class SliceArena
{
    private const int ChunkSize = 32 * 1024;
    private byte[] _chunk = [];
    private int _used;

    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > ChunkSize / 4)
        {
            return bytes.ToArray();
        }

        if (_used + bytes.Length > _chunk.Length)
        {
            // Uninitialized: only the copied ranges are ever read.
            (_chunk, _used) = (GC.AllocateUninitializedArray<byte>(ChunkSize), 0);
        }

        bytes.CopyTo(_chunk.AsSpan(_used));
        var copy = new ReadOnlyMemory<byte>(_chunk, _used, bytes.Length);
        _used += bytes.Length;
        return copy;
    }
}
