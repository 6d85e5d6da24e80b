using System.Buffers;
using System.Text;
using LogiLlm.Persistence;

namespace LogiLlm.Core.Tests.Persistence;

/// <summary>The save buffer gives its arrays back to the shared pool only after clearing what was written (a plaintext before encryption).</summary>
public class PooledBufferWriterTests
{
    [Fact]
    public void Arrays_go_back_to_the_pool_without_the_bytes_written_into_them()
    {
        var marker = Encoding.UTF8.GetBytes("plaintext-marker-0123456789");
        var seen = new List<byte[]>();
        using (var buffer = new PooledBufferWriter(1024))
        {
            for (var i = 0; i < 200; i++)
            {
                // Grows past its first array: the outgrown ones go back to the pool too.
                marker.CopyTo(buffer.GetSpan(marker.Length));
                buffer.Advance(marker.Length);
            }
        }

        // The pool hands this thread back what it just returned; none of it may hold the marker.
        foreach (var size in new[] { 1024, 2048, 4096, 8192 })
        {
            var rented = ArrayPool<byte>.Shared.Rent(size);
            seen.Add(rented);
            Assert.Equal(-1, rented.AsSpan().IndexOf(marker));
        }

        foreach (var rented in seen)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
