using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AudioVis.Cache.Analysis.Fft;

/// <content>512-bit kernels (16 lanes). Same expressions, same order as the scalar reference.</content>
internal static partial class FftKernel
{
    private static void PackedRadix2Vector512(ReadOnlySpan<float> input, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        Debug.Assert(Vector512.IsHardwareAccelerated, "Vector512 path needs hardware acceleration.");
        var half = input.Length >> 2;
        ref var x0 = ref MemoryMarshal.GetReference(input);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        for (var i = 0; i < half; i += 16)
        {
            Deinterleave512(ref x0, (nuint)(2 * i), out var ar, out var ai);
            Deinterleave512(ref x0, (nuint)((2 * i) + (2 * half)), out var br, out var bi);
            var wr = Vector512.LoadUnsafe(ref wr0, (nuint)i);
            var wi = Vector512.LoadUnsafe(ref wi0, (nuint)i);
            var dr = ar - br;
            var di = ai - bi;
            Zip512(ar + br, (dr * wr) - (di * wi), 0, out var loR, out var hiR);
            Zip512(ai + bi, (dr * wi) + (di * wr), 0, out var loI, out var hiI);
            loR.StoreUnsafe(ref yr0, (nuint)(2 * i));
            hiR.StoreUnsafe(ref yr0, (nuint)((2 * i) + 16));
            loI.StoreUnsafe(ref yi0, (nuint)(2 * i));
            hiI.StoreUnsafe(ref yi0, (nuint)((2 * i) + 16));
        }
    }

    // The first two passes (strides 1 and 2) in registers: the stride-2 butterflies j and j + M/2 read exactly the
    // stride-1 outputs of butterflies i and i + M/4, so one load of z[i + kM/4] feeds both passes. Same arithmetic.
    private static void PackedRadix2x2Vector512(ReadOnlySpan<float> input, Span<float> yr, Span<float> yi, FftStage first, FftStage second)
    {
        Debug.Assert(Vector512.IsHardwareAccelerated, "Vector512 path needs hardware acceleration.");
        const int width = 16;
        var quarter = input.Length >> 3;
        ref var x0 = ref MemoryMarshal.GetReference(input);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var ar0 = ref MemoryMarshal.GetArrayDataReference(first.TwiddleReal);
        ref var ai0 = ref MemoryMarshal.GetArrayDataReference(first.TwiddleImaginary);
        ref var br0 = ref MemoryMarshal.GetArrayDataReference(second.TwiddleReal);
        ref var bi0 = ref MemoryMarshal.GetArrayDataReference(second.TwiddleImaginary);
        for (var i = 0; i < quarter; i += width)
        {
            var u = (nuint)i;
            var q = (nuint)quarter;
            Deinterleave512(ref x0, 2 * u, out var ar, out var ai);
            Deinterleave512(ref x0, (2 * u) + (2 * q), out var br, out var bi);
            Deinterleave512(ref x0, (2 * u) + (4 * q), out var cr, out var ci);
            Deinterleave512(ref x0, (2 * u) + (6 * q), out var dr, out var di);
            Butterfly512(ar, ai, cr, ci, Vector512.LoadUnsafe(ref ar0, u), Vector512.LoadUnsafe(ref ai0, u), out var s1r, out var s1i, out var d1r, out var d1i);
            Butterfly512(br, bi, dr, di, Vector512.LoadUnsafe(ref ar0, u + q), Vector512.LoadUnsafe(ref ai0, u + q), out var s2r, out var s2i, out var d2r, out var d2i);
            Zip512(s1r, d1r, 0, out var lo1r, out var hi1r);
            Zip512(s1i, d1i, 0, out var lo1i, out var hi1i);
            Zip512(s2r, d2r, 0, out var lo2r, out var hi2r);
            Zip512(s2i, d2i, 0, out var lo2i, out var hi2i);
            Butterfly512(lo1r, lo1i, lo2r, lo2i, Twiddle512(ref br0, 2 * u, 1), Twiddle512(ref bi0, 2 * u, 1), out var e1r, out var e1i, out var f1r, out var f1i);
            Butterfly512(hi1r, hi1i, hi2r, hi2i, Twiddle512(ref br0, (2 * u) + width, 1), Twiddle512(ref bi0, (2 * u) + width, 1), out var e2r, out var e2i, out var f2r, out var f2i);
            StoreZipped512(e1r, f1r, ref yr0, 4 * u);
            StoreZipped512(e1i, f1i, ref yi0, 4 * u);
            StoreZipped512(e2r, f2r, ref yr0, (4 * u) + (2 * width));
            StoreZipped512(e2i, f2i, ref yi0, (4 * u) + (2 * width));
        }
    }

    // Two consecutive radix-2 passes (strides s < W and 2s) in registers, as PackedRadix2x2 does for strides 1 and 2.
    private static void Radix2x2Vector512(int strideLog2, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, FftStage first, FftStage second)
    {
        Debug.Assert(Vector512.IsHardwareAccelerated, "Vector512 path needs hardware acceleration.");
        const int width = 16;
        Debug.Assert((1 << strideLog2) < width && (xr.Length >> 2) % width == 0, "Fused radix-2 passes need s < W and M/4 a multiple of W.");
        var quarter = (nuint)(xr.Length >> 2);
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var ar0 = ref MemoryMarshal.GetArrayDataReference(first.TwiddleReal);
        ref var ai0 = ref MemoryMarshal.GetArrayDataReference(first.TwiddleImaginary);
        ref var br0 = ref MemoryMarshal.GetArrayDataReference(second.TwiddleReal);
        ref var bi0 = ref MemoryMarshal.GetArrayDataReference(second.TwiddleImaginary);
        for (nuint u = 0; u < quarter; u += width)
        {
            var ar = Vector512.LoadUnsafe(ref xr0, u);
            var ai = Vector512.LoadUnsafe(ref xi0, u);
            var br = Vector512.LoadUnsafe(ref xr0, u + quarter);
            var bi = Vector512.LoadUnsafe(ref xi0, u + quarter);
            var cr = Vector512.LoadUnsafe(ref xr0, u + (2 * quarter));
            var ci = Vector512.LoadUnsafe(ref xi0, u + (2 * quarter));
            var dr = Vector512.LoadUnsafe(ref xr0, u + (3 * quarter));
            var di = Vector512.LoadUnsafe(ref xi0, u + (3 * quarter));
            Butterfly512(ar, ai, cr, ci, Twiddle512(ref ar0, u, strideLog2), Twiddle512(ref ai0, u, strideLog2), out var s1r, out var s1i, out var d1r, out var d1i);
            Butterfly512(br, bi, dr, di, Twiddle512(ref ar0, u + quarter, strideLog2), Twiddle512(ref ai0, u + quarter, strideLog2), out var s2r, out var s2i, out var d2r, out var d2i);
            Zip512(s1r, d1r, strideLog2, out var lo1r, out var hi1r);
            Zip512(s1i, d1i, strideLog2, out var lo1i, out var hi1i);
            Zip512(s2r, d2r, strideLog2, out var lo2r, out var hi2r);
            Zip512(s2i, d2i, strideLog2, out var lo2i, out var hi2i);
            Butterfly512(lo1r, lo1i, lo2r, lo2i, Twiddle512(ref br0, 2 * u, strideLog2 + 1), Twiddle512(ref bi0, 2 * u, strideLog2 + 1), out var e1r, out var e1i, out var f1r, out var f1i);
            Butterfly512(hi1r, hi1i, hi2r, hi2i, Twiddle512(ref br0, (2 * u) + width, strideLog2 + 1), Twiddle512(ref bi0, (2 * u) + width, strideLog2 + 1), out var e2r, out var e2i, out var f2r, out var f2i);
            StoreRadix2Output512(e1r, e1i, f1r, f1i, ref yr0, ref yi0, 2 * u, strideLog2 + 1);
            StoreRadix2Output512(e2r, e2i, f2r, f2i, ref yr0, ref yi0, (2 * u) + width, strideLog2 + 1);
        }
    }

    // Writes the radix-2 outputs of the W butterflies starting at flat index j: zipped when s < W, else two runs.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRadix2Output512(Vector512<float> sr, Vector512<float> si, Vector512<float> tr, Vector512<float> ti, ref float yr0, ref float yi0, nuint j, int strideLog2)
    {
        var s = (nuint)1 << strideLog2;
        if (s >= (nuint)Vector512<float>.Count)
        {
            var o = j + ((j >> strideLog2) << strideLog2);
            sr.StoreUnsafe(ref yr0, o);
            si.StoreUnsafe(ref yi0, o);
            tr.StoreUnsafe(ref yr0, o + s);
            ti.StoreUnsafe(ref yi0, o + s);
        }
        else
        {
            Zip512(sr, tr, strideLog2, out var loR, out var hiR);
            Zip512(si, ti, strideLog2, out var loI, out var hiI);
            loR.StoreUnsafe(ref yr0, 2 * j);
            hiR.StoreUnsafe(ref yr0, (2 * j) + (nuint)Vector512<float>.Count);
            loI.StoreUnsafe(ref yi0, 2 * j);
            hiI.StoreUnsafe(ref yi0, (2 * j) + (nuint)Vector512<float>.Count);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreZipped512(Vector512<float> sum, Vector512<float> difference, ref float y0, nuint offset)
    {
        Zip512(sum, difference, 1, out var lo, out var hi);
        lo.StoreUnsafe(ref y0, offset);
        hi.StoreUnsafe(ref y0, offset + (nuint)Vector512<float>.Count);
    }

    // a + b and (a - b)·w, written exactly as the scalar reference writes them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Butterfly512(
        Vector512<float> ar,
        Vector512<float> ai,
        Vector512<float> br,
        Vector512<float> bi,
        Vector512<float> wr,
        Vector512<float> wi,
        out Vector512<float> sr,
        out Vector512<float> si,
        out Vector512<float> tr,
        out Vector512<float> ti)
    {
        var dr = ar - br;
        var di = ai - bi;
        sr = ar + br;
        si = ai + bi;
        tr = (dr * wr) - (di * wi);
        ti = (dr * wi) + (di * wr);
    }

    // Splits 2W interleaved floats at `offset` into the W even-indexed (re) and W odd-indexed (im) values.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave512(ref float x0, nuint offset, out Vector512<float> re, out Vector512<float> im)
    {
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15);
        var lower = Vector512.Create(-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0).AsSingle();
        var v0 = Vector512.LoadUnsafe(ref x0, offset);
        var v1 = Vector512.LoadUnsafe(ref x0, offset + 16);
        re = Vector512.ConditionalSelect(lower, Vector512.Shuffle(v0, even), Vector512.Shuffle(v1, even));
        im = Vector512.ConditionalSelect(lower, Vector512.Shuffle(v0, odd), Vector512.Shuffle(v1, odd));
    }

    private static void Radix2Vector512(int strideLog2, bool unit, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        Debug.Assert(Vector512.IsHardwareAccelerated, "Vector512 path needs hardware acceleration.");
        var half = xr.Length >> 1;
        var s = 1 << strideLog2;
        Debug.Assert(half % 16 == 0, "Radix-2 pass needs M/2 to be a multiple of the width.");
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        for (var i = 0; i < half; i += 16)
        {
            var ar = Vector512.LoadUnsafe(ref xr0, (nuint)i);
            var ai = Vector512.LoadUnsafe(ref xi0, (nuint)i);
            var br = Vector512.LoadUnsafe(ref xr0, (nuint)(i + half));
            var bi = Vector512.LoadUnsafe(ref xi0, (nuint)(i + half));
            var wr = Twiddle512(ref wr0, (nuint)i, strideLog2);
            var wi = Twiddle512(ref wi0, (nuint)i, strideLog2);
            var dr = ar - br;
            var di = ai - bi;
            var sumR = ar + br;
            var sumI = ai + bi;
            var difR = unit ? dr : (dr * wr) - (di * wi);
            var difI = unit ? di : (dr * wi) + (di * wr);
            if (s >= 16)
            {
                var o = i + ((i >> strideLog2) << strideLog2);
                sumR.StoreUnsafe(ref yr0, (nuint)o);
                sumI.StoreUnsafe(ref yi0, (nuint)o);
                difR.StoreUnsafe(ref yr0, (nuint)(o + s));
                difI.StoreUnsafe(ref yi0, (nuint)(o + s));
            }
            else
            {
                // Stride below the width: the 16 butterflies span 16/s values of p, and their outputs interleave
                // in runs of s, so the sum and difference vectors are zipped with run length s into y[2i..2i+32).
                Zip512(sumR, difR, strideLog2, out var loR, out var hiR);
                Zip512(sumI, difI, strideLog2, out var loI, out var hiI);
                loR.StoreUnsafe(ref yr0, (nuint)(2 * i));
                hiR.StoreUnsafe(ref yr0, (nuint)((2 * i) + 16));
                loI.StoreUnsafe(ref yi0, (nuint)(2 * i));
                hiI.StoreUnsafe(ref yi0, (nuint)((2 * i) + 16));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Zip512(Vector512<float> a, Vector512<float> b, int strideLog2, out Vector512<float> lo, out Vector512<float> hi)
    {
        switch (strideLog2)
        {
            case 0:
                {
                    var mask = Vector512.Create(-1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0).AsSingle();
                    var l = Vector512.Create(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7);
                    var h = Vector512.Create(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15);
                    lo = Vector512.ConditionalSelect(mask, Vector512.Shuffle(a, l), Vector512.Shuffle(b, l));
                    hi = Vector512.ConditionalSelect(mask, Vector512.Shuffle(a, h), Vector512.Shuffle(b, h));
                    break;
                }

            case 1:
                {
                    var mask = Vector512.Create(-1, -1, 0, 0, -1, -1, 0, 0, -1, -1, 0, 0, -1, -1, 0, 0).AsSingle();
                    var l = Vector512.Create(0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7);
                    var h = Vector512.Create(8, 9, 8, 9, 10, 11, 10, 11, 12, 13, 12, 13, 14, 15, 14, 15);
                    lo = Vector512.ConditionalSelect(mask, Vector512.Shuffle(a, l), Vector512.Shuffle(b, l));
                    hi = Vector512.ConditionalSelect(mask, Vector512.Shuffle(a, h), Vector512.Shuffle(b, h));
                    break;
                }

            case 2:
                {
                    var mask = Vector512.Create(-1, -1, -1, -1, 0, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0, 0).AsSingle();
                    var l = Vector512.Create(0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 4, 5, 6, 7);
                    var h = Vector512.Create(8, 9, 10, 11, 8, 9, 10, 11, 12, 13, 14, 15, 12, 13, 14, 15);
                    lo = Vector512.ConditionalSelect(mask, Vector512.Shuffle(a, l), Vector512.Shuffle(b, l));
                    hi = Vector512.ConditionalSelect(mask, Vector512.Shuffle(a, h), Vector512.Shuffle(b, h));
                    break;
                }

            default:
                lo = Vector512.Create(a.GetLower(), b.GetLower());
                hi = Vector512.Create(a.GetUpper(), b.GetUpper());
                break;
        }
    }

    // The twiddles w^p of the W radix-2 butterflies from flat index i (a multiple of W): the shared table holds
    // w^p of stride s at i rounded down to a multiple of s, so lanes repeat each table entry s times.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Twiddle512(ref float table, nuint i, int strideLog2)
    {
        switch (strideLog2)
        {
            case 0:
                return Vector512.LoadUnsafe(ref table, i);
            case 1:
                return Vector512.Shuffle(Vector512.LoadUnsafe(ref table, i), Vector512.Create(0, 0, 2, 2, 4, 4, 6, 6, 8, 8, 10, 10, 12, 12, 14, 14));
            case 2:
                return Vector512.Shuffle(Vector512.LoadUnsafe(ref table, i), Vector512.Create(0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12));
            case 3:
                return Vector512.Shuffle(Vector512.LoadUnsafe(ref table, i), Vector512.Create(0, 0, 0, 0, 0, 0, 0, 0, 8, 8, 8, 8, 8, 8, 8, 8));
            default:
                return Vector512.Create(Unsafe.Add(ref table, (nint)((i >> strideLog2) << strideLog2)));
        }
    }

    private static void Radix4Vector512(int strideLog2, bool unit, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        Debug.Assert(Vector512.IsHardwareAccelerated, "Vector512 path needs hardware acceleration.");
        var quarter = xr.Length >> 2;
        var s = 1 << strideLog2;
        var m = quarter >> strideLog2;
        Debug.Assert(s % 16 == 0, "Radix-4 passes run with a stride of at least the width.");
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        for (var p = 0; p < m; p++)
        {
            var w1r = Vector512.Create(Unsafe.Add(ref wr0, 3 * p));
            var w2r = Vector512.Create(Unsafe.Add(ref wr0, (3 * p) + 1));
            var w3r = Vector512.Create(Unsafe.Add(ref wr0, (3 * p) + 2));
            var w1i = Vector512.Create(Unsafe.Add(ref wi0, 3 * p));
            var w2i = Vector512.Create(Unsafe.Add(ref wi0, (3 * p) + 1));
            var w3i = Vector512.Create(Unsafe.Add(ref wi0, (3 * p) + 2));
            var inBase = p << strideLog2;
            var outBase = inBase << 2;
            for (var q = 0; q < s; q += 16)
            {
                var i = (nuint)(inBase + q);
                var ar = Vector512.LoadUnsafe(ref xr0, i);
                var ai = Vector512.LoadUnsafe(ref xi0, i);
                var br = Vector512.LoadUnsafe(ref xr0, i + (nuint)quarter);
                var bi = Vector512.LoadUnsafe(ref xi0, i + (nuint)quarter);
                var cr = Vector512.LoadUnsafe(ref xr0, i + (nuint)(2 * quarter));
                var ci = Vector512.LoadUnsafe(ref xi0, i + (nuint)(2 * quarter));
                var dr = Vector512.LoadUnsafe(ref xr0, i + (nuint)(3 * quarter));
                var di = Vector512.LoadUnsafe(ref xi0, i + (nuint)(3 * quarter));
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

    private static int SplitVector512(ReadOnlySpan<float> zr, ReadOnlySpan<float> zi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi, Span<float> xr, Span<float> xi)
    {
        Debug.Assert(Vector512.IsHardwareAccelerated, "Vector512 path needs hardware acceleration.");
        var m = zr.Length;
        var mid = m >> 1;
        ref var zr0 = ref MemoryMarshal.GetReference(zr);
        ref var zi0 = ref MemoryMarshal.GetReference(zi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        var k = 1;
        for (; k + 16 <= mid; k += 16)
        {
            SplitPair512(ref zr0, ref zi0, ref wr0, ref wi0, k, m, out var er, out var ei, out var rr, out var ri);
            var mirror = (nuint)(m - k - 15);
            (er + rr).StoreUnsafe(ref xr0, (nuint)k);
            (ei + ri).StoreUnsafe(ref xi0, (nuint)k);
            Reverse512(er - rr).StoreUnsafe(ref xr0, mirror);
            Reverse512(ri - ei).StoreUnsafe(ref xi0, mirror);
        }

        return k;
    }

    private static int SplitMagnitudesVector512(ReadOnlySpan<float> zr, ReadOnlySpan<float> zi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi, Span<float> magnitudes)
    {
        Debug.Assert(Vector512.IsHardwareAccelerated, "Vector512 path needs hardware acceleration.");
        var m = zr.Length;
        var mid = m >> 1;
        ref var zr0 = ref MemoryMarshal.GetReference(zr);
        ref var zi0 = ref MemoryMarshal.GetReference(zi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        ref var mag0 = ref MemoryMarshal.GetReference(magnitudes);
        var k = 1;
        for (; k + 16 <= mid; k += 16)
        {
            SplitPair512(ref zr0, ref zi0, ref wr0, ref wi0, k, m, out var er, out var ei, out var rr, out var ri);
            var lowR = er + rr;
            var lowI = ei + ri;
            var highR = er - rr;
            var highI = ri - ei;
            Vector512.Sqrt((lowR * lowR) + (lowI * lowI)).StoreUnsafe(ref mag0, (nuint)k);
            Reverse512(Vector512.Sqrt((highR * highR) + (highI * highI))).StoreUnsafe(ref mag0, (nuint)(m - k - 15));
        }

        return k;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SplitPair512(ref float zr0, ref float zi0, ref float wr0, ref float wi0, int k, int m, out Vector512<float> er, out Vector512<float> ei, out Vector512<float> rr, out Vector512<float> ri)
    {
        var ar = Vector512.LoadUnsafe(ref zr0, (nuint)k);
        var ai = Vector512.LoadUnsafe(ref zi0, (nuint)k);
        var br = Reverse512(Vector512.LoadUnsafe(ref zr0, (nuint)(m - k - 15)));
        var bi = Reverse512(Vector512.LoadUnsafe(ref zi0, (nuint)(m - k - 15)));
        var c = Vector512.LoadUnsafe(ref wr0, (nuint)k);
        var s = Vector512.LoadUnsafe(ref wi0, (nuint)k);
        var half = Vector512.Create(0.5f);
        var gr = ai + bi;
        var gi = br - ar;
        er = half * (ar + br);
        ei = half * (ai - bi);
        rr = (c * gr) - (s * gi);
        ri = (c * gi) + (s * gr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Reverse512(Vector512<float> v) => Vector512.Shuffle(v, Vector512.Create(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));
}
