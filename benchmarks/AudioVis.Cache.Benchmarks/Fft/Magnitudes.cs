using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AudioVis.Cache.Benchmarks.Fft;

/// <summary>Vectorised |re + i·im| over interleaved complex output, so competitors are not slowed by a scalar square root.</summary>
internal static class Magnitudes
{
    public static void FromInterleaved(ReadOnlySpan<float> interleaved, Span<float> magnitudes)
    {
        ref var x0 = ref MemoryMarshal.GetReference(interleaved);
        ref var m0 = ref MemoryMarshal.GetReference(magnitudes);
        var k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
            var odd = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
            var lower = Vector256.Create(-1, -1, -1, -1, 0, 0, 0, 0).AsSingle();
            for (; k + 8 <= magnitudes.Length; k += 8)
            {
                var v0 = Vector256.LoadUnsafe(ref x0, (nuint)(2 * k));
                var v1 = Vector256.LoadUnsafe(ref x0, (nuint)((2 * k) + 8));
                var re = Vector256.ConditionalSelect(lower, Vector256.Shuffle(v0, even), Vector256.Shuffle(v1, even));
                var im = Vector256.ConditionalSelect(lower, Vector256.Shuffle(v0, odd), Vector256.Shuffle(v1, odd));
                Vector256.Sqrt((re * re) + (im * im)).StoreUnsafe(ref m0, (nuint)k);
            }
        }

        for (; k < magnitudes.Length; k++)
        {
            var re = interleaved[2 * k];
            var im = interleaved[(2 * k) + 1];
            magnitudes[k] = MathF.Sqrt((re * re) + (im * im));
        }
    }
}
