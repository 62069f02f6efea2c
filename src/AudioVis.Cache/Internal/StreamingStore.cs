using System.Runtime.Intrinsics;

namespace AudioVis.Cache.Internal;

/// <summary>
/// Copies into large outputs that are written once and read much later (a track's spectra): the 64-byte aligned middle
/// is written with non-temporal stores, which send the data to memory without first reading the destination's cache
/// lines and without evicting the working set. The values are exactly the source's; only the caching differs.
/// </summary>
/// <remarks>
/// Non-temporal stores are weakly ordered, so a thread that hands the outputs to another must issue a full fence
/// first (<see cref="Interlocked.MemoryBarrier"/>; <see cref="Analysis.StftPipeline"/> does after its last frame).
/// </remarks>
internal static unsafe class StreamingStore
{
    /// <summary>Copies <paramref name="source"/> to the start of <paramref name="destination"/>.</summary>
    public static void Copy(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (!Vector512.IsHardwareAccelerated || source.Length < 4 * Vector512<float>.Count)
        {
            source.CopyTo(destination);
            return;
        }

        destination = destination[..source.Length];
        fixed (float* from = source)
        fixed (float* to = destination)
        {
            // Floats before the first 64-byte boundary of the destination (floats are 4-byte aligned).
            var head = (int)(((64 - ((nuint)to & 63)) & 63) / sizeof(float));
            var i = 0;
            for (; i < head; i++)
            {
                to[i] = from[i];
            }

            for (; i <= source.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.StoreAlignedNonTemporal(Vector512.Load(from + i), to + i);
            }

            for (; i < source.Length; i++)
            {
                to[i] = from[i];
            }
        }
    }
}
