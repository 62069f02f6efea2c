using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AudioVis.Cache.Analysis.Fft;

/// <content>256-bit kernels (8 lanes). Same expressions, same order as the scalar reference.</content>
internal static partial class FftKernel
{
    private static void PackedRadix2Vector256(ReadOnlySpan<float> input, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        Debug.Assert(Vector256.IsHardwareAccelerated, "Vector256 path needs hardware acceleration.");
        var half = input.Length >> 2;
        ref var x0 = ref MemoryMarshal.GetReference(input);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        for (var i = 0; i < half; i += 8)
        {
            Deinterleave256(ref x0, (nuint)(2 * i), out var ar, out var ai);
            Deinterleave256(ref x0, (nuint)((2 * i) + (2 * half)), out var br, out var bi);
            var wr = Vector256.LoadUnsafe(ref wr0, (nuint)i);
            var wi = Vector256.LoadUnsafe(ref wi0, (nuint)i);
            var dr = ar - br;
            var di = ai - bi;
            Zip256(ar + br, (dr * wr) - (di * wi), 0, out var loR, out var hiR);
            Zip256(ai + bi, (dr * wi) + (di * wr), 0, out var loI, out var hiI);
            loR.StoreUnsafe(ref yr0, (nuint)(2 * i));
            hiR.StoreUnsafe(ref yr0, (nuint)((2 * i) + 8));
            loI.StoreUnsafe(ref yi0, (nuint)(2 * i));
            hiI.StoreUnsafe(ref yi0, (nuint)((2 * i) + 8));
        }
    }

    // Splits 2W interleaved floats at `offset` into the W even-indexed (re) and W odd-indexed (im) values.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave256(ref float x0, nuint offset, out Vector256<float> re, out Vector256<float> im)
    {
        var even = Vector256.Create(0, 2, 4, 6, 0, 2, 4, 6);
        var odd = Vector256.Create(1, 3, 5, 7, 1, 3, 5, 7);
        var lower = Vector256.Create(-1, -1, -1, -1, 0, 0, 0, 0).AsSingle();
        var v0 = Vector256.LoadUnsafe(ref x0, offset);
        var v1 = Vector256.LoadUnsafe(ref x0, offset + 8);
        re = Vector256.ConditionalSelect(lower, Vector256.Shuffle(v0, even), Vector256.Shuffle(v1, even));
        im = Vector256.ConditionalSelect(lower, Vector256.Shuffle(v0, odd), Vector256.Shuffle(v1, odd));
    }

    private static void Radix2Vector256(int strideLog2, bool unit, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        Debug.Assert(Vector256.IsHardwareAccelerated, "Vector256 path needs hardware acceleration.");
        var half = xr.Length >> 1;
        var s = 1 << strideLog2;
        Debug.Assert(half % 8 == 0, "Radix-2 pass needs M/2 to be a multiple of the width.");
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        for (var i = 0; i < half; i += 8)
        {
            var ar = Vector256.LoadUnsafe(ref xr0, (nuint)i);
            var ai = Vector256.LoadUnsafe(ref xi0, (nuint)i);
            var br = Vector256.LoadUnsafe(ref xr0, (nuint)(i + half));
            var bi = Vector256.LoadUnsafe(ref xi0, (nuint)(i + half));
            var wr = Vector256.LoadUnsafe(ref wr0, (nuint)i);
            var wi = Vector256.LoadUnsafe(ref wi0, (nuint)i);
            var dr = ar - br;
            var di = ai - bi;
            var sumR = ar + br;
            var sumI = ai + bi;
            var difR = unit ? dr : (dr * wr) - (di * wi);
            var difI = unit ? di : (dr * wi) + (di * wr);
            if (s >= 8)
            {
                var o = i + ((i >> strideLog2) << strideLog2);
                sumR.StoreUnsafe(ref yr0, (nuint)o);
                sumI.StoreUnsafe(ref yi0, (nuint)o);
                difR.StoreUnsafe(ref yr0, (nuint)(o + s));
                difI.StoreUnsafe(ref yi0, (nuint)(o + s));
            }
            else
            {
                // Stride below the width: the 8 butterflies span 8/s values of p, and their outputs interleave
                // in runs of s, so the sum and difference vectors are zipped with run length s into y[2i..2i+16).
                Zip256(sumR, difR, strideLog2, out var loR, out var hiR);
                Zip256(sumI, difI, strideLog2, out var loI, out var hiI);
                loR.StoreUnsafe(ref yr0, (nuint)(2 * i));
                hiR.StoreUnsafe(ref yr0, (nuint)((2 * i) + 8));
                loI.StoreUnsafe(ref yi0, (nuint)(2 * i));
                hiI.StoreUnsafe(ref yi0, (nuint)((2 * i) + 8));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zip256(Vector256<float> a, Vector256<float> b, int strideLog2, out Vector256<float> lo, out Vector256<float> hi)
    {
        switch (strideLog2)
        {
            case 0:
                {
                    var mask = Vector256.Create(-1, 0, -1, 0, -1, 0, -1, 0).AsSingle();
                    var l = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);
                    var h = Vector256.Create(4, 4, 5, 5, 6, 6, 7, 7);
                    lo = Vector256.ConditionalSelect(mask, Vector256.Shuffle(a, l), Vector256.Shuffle(b, l));
                    hi = Vector256.ConditionalSelect(mask, Vector256.Shuffle(a, h), Vector256.Shuffle(b, h));
                    break;
                }

            case 1:
                {
                    var mask = Vector256.Create(-1, -1, 0, 0, -1, -1, 0, 0).AsSingle();
                    var l = Vector256.Create(0, 1, 0, 1, 2, 3, 2, 3);
                    var h = Vector256.Create(4, 5, 4, 5, 6, 7, 6, 7);
                    lo = Vector256.ConditionalSelect(mask, Vector256.Shuffle(a, l), Vector256.Shuffle(b, l));
                    hi = Vector256.ConditionalSelect(mask, Vector256.Shuffle(a, h), Vector256.Shuffle(b, h));
                    break;
                }

            default:
                lo = Vector256.Create(a.GetLower(), b.GetLower());
                hi = Vector256.Create(a.GetUpper(), b.GetUpper());
                break;
        }
    }

    private static void Radix4Vector256(int strideLog2, bool unit, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        Debug.Assert(Vector256.IsHardwareAccelerated, "Vector256 path needs hardware acceleration.");
        var quarter = xr.Length >> 2;
        var s = 1 << strideLog2;
        var m = quarter >> strideLog2;
        Debug.Assert(s % 8 == 0, "Radix-4 passes run with a stride of at least the width.");
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        for (var p = 0; p < m; p++)
        {
            var w1r = Vector256.Create(Unsafe.Add(ref wr0, 3 * p));
            var w2r = Vector256.Create(Unsafe.Add(ref wr0, (3 * p) + 1));
            var w3r = Vector256.Create(Unsafe.Add(ref wr0, (3 * p) + 2));
            var w1i = Vector256.Create(Unsafe.Add(ref wi0, 3 * p));
            var w2i = Vector256.Create(Unsafe.Add(ref wi0, (3 * p) + 1));
            var w3i = Vector256.Create(Unsafe.Add(ref wi0, (3 * p) + 2));
            var inBase = p << strideLog2;
            var outBase = inBase << 2;
            for (var q = 0; q < s; q += 8)
            {
                var i = (nuint)(inBase + q);
                var ar = Vector256.LoadUnsafe(ref xr0, i);
                var ai = Vector256.LoadUnsafe(ref xi0, i);
                var br = Vector256.LoadUnsafe(ref xr0, i + (nuint)quarter);
                var bi = Vector256.LoadUnsafe(ref xi0, i + (nuint)quarter);
                var cr = Vector256.LoadUnsafe(ref xr0, i + (nuint)(2 * quarter));
                var ci = Vector256.LoadUnsafe(ref xi0, i + (nuint)(2 * quarter));
                var dr = Vector256.LoadUnsafe(ref xr0, i + (nuint)(3 * quarter));
                var di = Vector256.LoadUnsafe(ref xi0, i + (nuint)(3 * quarter));
                var t0r = ar + cr;
                var t0i = ai + ci;
                var t1r = ar - cr;
                var t1i = ai - ci;
                var t2r = br + dr;
                var t2i = bi + di;
                var t3r = bi - di;
                var t3i = dr - br;
                var u1r = t1r + t3r;
                var u1i = t1i + t3i;
                var u2r = t0r - t2r;
                var u2i = t0i - t2i;
                var u3r = t1r - t3r;
                var u3i = t1i - t3i;
                var o = (nuint)(outBase + q);
                var su = (nuint)s;
                (t0r + t2r).StoreUnsafe(ref yr0, o);
                (t0i + t2i).StoreUnsafe(ref yi0, o);
                if (unit)
                {
                    u1r.StoreUnsafe(ref yr0, o + su);
                    u1i.StoreUnsafe(ref yi0, o + su);
                    u2r.StoreUnsafe(ref yr0, o + (2 * su));
                    u2i.StoreUnsafe(ref yi0, o + (2 * su));
                    u3r.StoreUnsafe(ref yr0, o + (3 * su));
                    u3i.StoreUnsafe(ref yi0, o + (3 * su));
                }
                else
                {
                    ((u1r * w1r) - (u1i * w1i)).StoreUnsafe(ref yr0, o + su);
                    ((u1r * w1i) + (u1i * w1r)).StoreUnsafe(ref yi0, o + su);
                    ((u2r * w2r) - (u2i * w2i)).StoreUnsafe(ref yr0, o + (2 * su));
                    ((u2r * w2i) + (u2i * w2r)).StoreUnsafe(ref yi0, o + (2 * su));
                    ((u3r * w3r) - (u3i * w3i)).StoreUnsafe(ref yr0, o + (3 * su));
                    ((u3r * w3i) + (u3i * w3r)).StoreUnsafe(ref yi0, o + (3 * su));
                }
            }
        }
    }

    private static int SplitVector256(ReadOnlySpan<float> zr, ReadOnlySpan<float> zi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi, Span<float> xr, Span<float> xi)
    {
        Debug.Assert(Vector256.IsHardwareAccelerated, "Vector256 path needs hardware acceleration.");
        var m = zr.Length;
        var mid = m >> 1;
        ref var zr0 = ref MemoryMarshal.GetReference(zr);
        ref var zi0 = ref MemoryMarshal.GetReference(zi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        var k = 1;
        for (; k + 8 <= mid; k += 8)
        {
            SplitPair256(ref zr0, ref zi0, ref wr0, ref wi0, k, m, out var er, out var ei, out var rr, out var ri);
            var mirror = (nuint)(m - k - 7);
            (er + rr).StoreUnsafe(ref xr0, (nuint)k);
            (ei + ri).StoreUnsafe(ref xi0, (nuint)k);
            Reverse256(er - rr).StoreUnsafe(ref xr0, mirror);
            Reverse256(ri - ei).StoreUnsafe(ref xi0, mirror);
        }

        return k;
    }

    private static int SplitMagnitudesVector256(ReadOnlySpan<float> zr, ReadOnlySpan<float> zi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi, Span<float> magnitudes)
    {
        Debug.Assert(Vector256.IsHardwareAccelerated, "Vector256 path needs hardware acceleration.");
        var m = zr.Length;
        var mid = m >> 1;
        ref var zr0 = ref MemoryMarshal.GetReference(zr);
        ref var zi0 = ref MemoryMarshal.GetReference(zi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        ref var mag0 = ref MemoryMarshal.GetReference(magnitudes);
        var k = 1;
        for (; k + 8 <= mid; k += 8)
        {
            SplitPair256(ref zr0, ref zi0, ref wr0, ref wi0, k, m, out var er, out var ei, out var rr, out var ri);
            var lowR = er + rr;
            var lowI = ei + ri;
            var highR = er - rr;
            var highI = ri - ei;
            Vector256.Sqrt((lowR * lowR) + (lowI * lowI)).StoreUnsafe(ref mag0, (nuint)k);
            Reverse256(Vector256.Sqrt((highR * highR) + (highI * highI))).StoreUnsafe(ref mag0, (nuint)(m - k - 7));
        }

        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SplitPair256(ref float zr0, ref float zi0, ref float wr0, ref float wi0, int k, int m, out Vector256<float> er, out Vector256<float> ei, out Vector256<float> rr, out Vector256<float> ri)
    {
        var ar = Vector256.LoadUnsafe(ref zr0, (nuint)k);
        var ai = Vector256.LoadUnsafe(ref zi0, (nuint)k);
        var br = Reverse256(Vector256.LoadUnsafe(ref zr0, (nuint)(m - k - 7)));
        var bi = Reverse256(Vector256.LoadUnsafe(ref zi0, (nuint)(m - k - 7)));
        var c = Vector256.LoadUnsafe(ref wr0, (nuint)k);
        var s = Vector256.LoadUnsafe(ref wi0, (nuint)k);
        var half = Vector256.Create(0.5f);
        var gr = ai + bi;
        var gi = br - ar;
        er = half * (ar + br);
        ei = half * (ai - bi);
        rr = (c * gr) - (s * gi);
        ri = (c * gi) + (s * gr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Reverse256(Vector256<float> v) => Vector256.Shuffle(v, Vector256.Create(7, 6, 5, 4, 3, 2, 1, 0));
}
