using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AudioVis.Cache.Analysis.Fft;

/// <summary>
/// The passes of the real FFT: Stockham radix-2 and radix-4 passes on split (real, imaginary) arrays, the first one
/// reading the packed real input, and the real-split post-processing. This file holds the dispatcher and the scalar
/// reference; each vector width lives in its own partial file.
/// </summary>
/// <remarks>
/// Every path evaluates the same expressions in the same order with plain IEEE-754 multiplies and adds
/// (no fused multiply-add, no reassociation), so the vector paths are bit-identical to the scalar reference.
/// Callers (<see cref="RealFftPlan"/>) guarantee buffer lengths; the kernels only assert them.
/// </remarks>
internal static partial class FftKernel
{
    /// <summary>Gets the widest path the current hardware accelerates.</summary>
    /// <returns>The path the plan uses by default.</returns>
    public static FftKernelPath DetectPath()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            return FftKernelPath.Vector512;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            return FftKernelPath.Vector256;
        }

        return Vector128.IsHardwareAccelerated ? FftKernelPath.Vector128 : FftKernelPath.Scalar;
    }

    /// <summary>Returns whether the hardware accelerates <paramref name="path"/>.</summary>
    /// <param name="path">The path to check.</param>
    /// <returns><see langword="true"/> if the path can run at full speed here.</returns>
    public static bool IsSupported(FftKernelPath path) => path switch
    {
        FftKernelPath.Scalar => true,
        FftKernelPath.Vector128 => Vector128.IsHardwareAccelerated,
        FftKernelPath.Vector256 => Vector256.IsHardwareAccelerated,
        FftKernelPath.Vector512 => Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>
    /// Runs the first (radix-2, stride 1) pass straight from the real input, read as <c>M</c> complex values
    /// <c>z_n = x_2n + i·x_2n+1</c>, into buffer 0; then the remaining passes as <see cref="Complex"/> does.
    /// Vector paths run the first two passes together in registers.
    /// </summary>
    /// <param name="path">The path to run.</param>
    /// <param name="stages">The passes, in order; the first is radix-2 with stride 1.</param>
    /// <param name="input">The <c>2M</c> real samples.</param>
    /// <param name="re0">Real parts of buffer 0.</param>
    /// <param name="im0">Imaginary parts of buffer 0.</param>
    /// <param name="re1">Real parts of buffer 1.</param>
    /// <param name="im1">Imaginary parts of buffer 1.</param>
    /// <returns><see langword="true"/> if the spectrum of <c>z</c> ends in buffer 1, <see langword="false"/> for buffer 0.</returns>
    public static bool PackedComplex(FftKernelPath path, FftStage[] stages, ReadOnlySpan<float> input, Span<float> re0, Span<float> im0, Span<float> re1, Span<float> im1)
    {
        Debug.Assert(input.Length == 2 * re0.Length && stages[0].Radix == 2 && stages[0].StrideLog2 == 0, "PackedComplex shape");
        var first = stages[0];
        if (path != FftKernelPath.Scalar && (re0.Length / 4) % Width(path) == 0)
        {
            var second = stages[1];
            Debug.Assert(second.Radix == 2 && second.StrideLog2 == 1 && !second.HasUnitTwiddles, "Second pass is radix-2, stride 2");
            switch (path)
            {
                case FftKernelPath.Vector512:
                    PackedRadix2x2Vector512(input, re0, im0, first, second);
                    break;
                case FftKernelPath.Vector256:
                    PackedRadix2x2Vector256(input, re0, im0, first, second);
                    break;
                default:
                    PackedRadix2x2Vector128(input, re0, im0, first, second);
                    break;
            }

            return Complex(path, stages, 2, re0, im0, re1, im1);
        }

        switch (path)
        {
            case FftKernelPath.Vector512:
                PackedRadix2Vector512(input, re0, im0, first.TwiddleReal, first.TwiddleImaginary);
                break;
            case FftKernelPath.Vector256:
                PackedRadix2Vector256(input, re0, im0, first.TwiddleReal, first.TwiddleImaginary);
                break;
            case FftKernelPath.Vector128:
                PackedRadix2Vector128(input, re0, im0, first.TwiddleReal, first.TwiddleImaginary);
                break;
            default:
                PackedRadix2Scalar(input, re0, im0, first.TwiddleReal, first.TwiddleImaginary);
                break;
        }

        return Complex(path, stages, 1, re0, im0, re1, im1);
    }

    /// <summary>Runs the Stockham passes of a complex FFT of size <c>M</c> from buffer 0 and returns which buffer holds the result.</summary>
    /// <param name="path">The path to run.</param>
    /// <param name="stages">The passes, in order.</param>
    /// <param name="first">The index of the first pass to run.</param>
    /// <param name="re0">Real parts of buffer 0 (the input).</param>
    /// <param name="im0">Imaginary parts of buffer 0 (the input).</param>
    /// <param name="re1">Real parts of buffer 1.</param>
    /// <param name="im1">Imaginary parts of buffer 1.</param>
    /// <returns><see langword="true"/> if the spectrum ends in buffer 1, <see langword="false"/> for buffer 0.</returns>
    public static bool Complex(FftKernelPath path, FftStage[] stages, int first, Span<float> re0, Span<float> im0, Span<float> re1, Span<float> im1)
    {
        var inOne = false;
        var width = Width(path);
        for (var index = first; index < stages.Length; index++)
        {
            var stage = stages[index];
            var fuse = width > 1
                && stage.Radix == 2
                && (1 << stage.StrideLog2) < width
                && (re0.Length / 4) % width == 0
                && index + 1 < stages.Length
                && stages[index + 1].Radix == 2
                && !stages[index + 1].HasUnitTwiddles;
            if (fuse)
            {
                // Two radix-2 passes in registers: same arithmetic as running them one after the other.
                if (inOne)
                {
                    FusedRadix2(path, stage, stages[index + 1], re1, im1, re0, im0);
                }
                else
                {
                    FusedRadix2(path, stage, stages[index + 1], re0, im0, re1, im1);
                }

                index++;
            }
            else if (inOne)
            {
                Pass(path, stage, re1, im1, re0, im0);
            }
            else
            {
                Pass(path, stage, re0, im0, re1, im1);
            }

            inOne = !inOne;
        }

        return inOne;
    }

    /// <summary>Turns the half-size complex spectrum <c>Z</c> of the packed input into the real spectrum <c>X_0..X_M</c>.</summary>
    /// <param name="path">The path to run.</param>
    /// <param name="zr">Real parts of <c>Z</c> (length <c>M</c>).</param>
    /// <param name="zi">Imaginary parts of <c>Z</c>.</param>
    /// <param name="twr">Half cosines <c>cos(2πk/N)/2</c>.</param>
    /// <param name="twi">Half negative sines <c>-sin(2πk/N)/2</c>.</param>
    /// <param name="xr">Receives the real parts (length <c>M + 1</c>).</param>
    /// <param name="xi">Receives the imaginary parts (length <c>M + 1</c>).</param>
    public static void Split(FftKernelPath path, ReadOnlySpan<float> zr, ReadOnlySpan<float> zi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi, Span<float> xr, Span<float> xi)
    {
        Debug.Assert(xr.Length == zr.Length + 1 && xi.Length == xr.Length, "Split lengths");
        var done = path switch
        {
            FftKernelPath.Vector512 => SplitVector512(zr, zi, twr, twi, xr, xi),
            FftKernelPath.Vector256 => SplitVector256(zr, zi, twr, twi, xr, xi),
            FftKernelPath.Vector128 => SplitVector128(zr, zi, twr, twi, xr, xi),
            _ => 1,
        };
        SplitScalar(zr, zi, twr, twi, xr, xi, done);
    }

    /// <summary>Like <see cref="Split"/> but writes only the magnitudes <c>|X_k|</c>.</summary>
    /// <param name="path">The path to run.</param>
    /// <param name="zr">Real parts of <c>Z</c> (length <c>M</c>).</param>
    /// <param name="zi">Imaginary parts of <c>Z</c>.</param>
    /// <param name="twr">Half cosines.</param>
    /// <param name="twi">Half negative sines.</param>
    /// <param name="magnitudes">Receives <c>|X_k|</c> (length <c>M + 1</c>).</param>
    public static void SplitMagnitudes(FftKernelPath path, ReadOnlySpan<float> zr, ReadOnlySpan<float> zi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi, Span<float> magnitudes)
    {
        Debug.Assert(magnitudes.Length == zr.Length + 1, "SplitMagnitudes lengths");
        var done = path switch
        {
            FftKernelPath.Vector512 => SplitMagnitudesVector512(zr, zi, twr, twi, magnitudes),
            FftKernelPath.Vector256 => SplitMagnitudesVector256(zr, zi, twr, twi, magnitudes),
            FftKernelPath.Vector128 => SplitMagnitudesVector128(zr, zi, twr, twi, magnitudes),
            _ => 1,
        };
        SplitMagnitudesScalar(zr, zi, twr, twi, magnitudes, done);
    }

    private static int Width(FftKernelPath path) => path switch
    {
        FftKernelPath.Vector512 => Vector512<float>.Count,
        FftKernelPath.Vector256 => Vector256<float>.Count,
        FftKernelPath.Vector128 => Vector128<float>.Count,
        _ => 1,
    };

    private static void FusedRadix2(FftKernelPath path, FftStage first, FftStage second, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi)
    {
        switch (path)
        {
            case FftKernelPath.Vector512:
                Radix2x2Vector512(first.StrideLog2, xr, xi, yr, yi, first, second);
                break;
            case FftKernelPath.Vector256:
                Radix2x2Vector256(first.StrideLog2, xr, xi, yr, yi, first, second);
                break;
            default:
                Radix2x2Vector128(first.StrideLog2, xr, xi, yr, yi, first, second);
                break;
        }
    }

    private static void Pass(FftKernelPath path, FftStage stage, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi)
    {
        if (stage.Radix == 2)
        {
            switch (path)
            {
                case FftKernelPath.Vector512:
                    Radix2Vector512(stage.StrideLog2, stage.HasUnitTwiddles, xr, xi, yr, yi, stage.TwiddleReal, stage.TwiddleImaginary);
                    break;
                case FftKernelPath.Vector256:
                    Radix2Vector256(stage.StrideLog2, stage.HasUnitTwiddles, xr, xi, yr, yi, stage.TwiddleReal, stage.TwiddleImaginary);
                    break;
                case FftKernelPath.Vector128:
                    Radix2Vector128(stage.StrideLog2, stage.HasUnitTwiddles, xr, xi, yr, yi, stage.TwiddleReal, stage.TwiddleImaginary);
                    break;
                default:
                    Radix2Scalar(stage.StrideLog2, stage.HasUnitTwiddles, xr, xi, yr, yi, stage.TwiddleReal, stage.TwiddleImaginary);
                    break;
            }
        }
        else
        {
            switch (path)
            {
                case FftKernelPath.Vector512:
                    Radix4Vector512(stage.StrideLog2, stage.HasUnitTwiddles, xr, xi, yr, yi, stage.TwiddleReal, stage.TwiddleImaginary);
                    break;
                case FftKernelPath.Vector256:
                    Radix4Vector256(stage.StrideLog2, stage.HasUnitTwiddles, xr, xi, yr, yi, stage.TwiddleReal, stage.TwiddleImaginary);
                    break;
                case FftKernelPath.Vector128:
                    Radix4Vector128(stage.StrideLog2, stage.HasUnitTwiddles, xr, xi, yr, yi, stage.TwiddleReal, stage.TwiddleImaginary);
                    break;
                default:
                    Radix4Scalar(stage.StrideLog2, stage.HasUnitTwiddles, xr, xi, yr, yi, stage.TwiddleReal, stage.TwiddleImaginary);
                    break;
            }
        }
    }

    private static void PackedRadix2Scalar(ReadOnlySpan<float> input, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        var half = input.Length >> 2;
        for (var i = 0; i < half; i++)
        {
            var ar = input[2 * i];
            var ai = input[(2 * i) + 1];
            var br = input[(2 * i) + (2 * half)];
            var bi = input[(2 * i) + (2 * half) + 1];
            var wr = twr[i];
            var wi = twi[i];
            var dr = ar - br;
            var di = ai - bi;
            yr[2 * i] = ar + br;
            yi[2 * i] = ai + bi;
            yr[(2 * i) + 1] = (dr * wr) - (di * wi);
            yi[(2 * i) + 1] = (dr * wi) + (di * wr);
        }
    }

    // Stockham radix-2 (decimation in frequency), M/2 butterflies over flat index i = q + s·p, m = M/(2s):
    //   a = x[i], b = x[i + M/2];  y[q + 2sp] = a + b;  y[q + 2sp + s] = (a - b)·w^p,  w = e^{-2πi/(2m)}.
    // w^p = e^{-2πi·sp/M} is read from the table shared by all radix-2 passes at index sp = i rounded down to s.
    // The last pass has m = 1, so w^0 = 1 and the multiply is skipped (`unit`) on every path alike.
    private static void Radix2Scalar(int strideLog2, bool unit, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        var half = xr.Length >> 1;
        var s = 1 << strideLog2;
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        ref var wr0 = ref MemoryMarshal.GetReference(twr);
        ref var wi0 = ref MemoryMarshal.GetReference(twi);
        for (var i = 0; i < half; i++)
        {
            var ar = Unsafe.Add(ref xr0, i);
            var ai = Unsafe.Add(ref xi0, i);
            var br = Unsafe.Add(ref xr0, i + half);
            var bi = Unsafe.Add(ref xi0, i + half);
            var group = (i >> strideLog2) << strideLog2;
            var wr = Unsafe.Add(ref wr0, group);
            var wi = Unsafe.Add(ref wi0, group);
            var dr = ar - br;
            var di = ai - bi;
            var o = i + group;
            Unsafe.Add(ref yr0, o) = ar + br;
            Unsafe.Add(ref yi0, o) = ai + bi;
            Unsafe.Add(ref yr0, o + s) = unit ? dr : (dr * wr) - (di * wi);
            Unsafe.Add(ref yi0, o + s) = unit ? di : (dr * wi) + (di * wr);
        }
    }

    // Stockham radix-4 (decimation in frequency), s ≥ 16, m = M/(4s), w = e^{-2πi/(4m)}:
    //   a, b, c, d = x[i + kM/4];  t0 = a + c, t1 = a - c, t2 = b + d, t3 = -i(b - d)
    //   y[q + s(4p + j)] = (t0 + t2, (t1 + t3)w^p, (t0 - t2)w^2p, (t1 - t3)w^3p)[j]
    private static void Radix4Scalar(int strideLog2, bool unit, ReadOnlySpan<float> xr, ReadOnlySpan<float> xi, Span<float> yr, Span<float> yi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi)
    {
        var quarter = xr.Length >> 2;
        var s = 1 << strideLog2;
        var m = quarter >> strideLog2;
        ref var xr0 = ref MemoryMarshal.GetReference(xr);
        ref var xi0 = ref MemoryMarshal.GetReference(xi);
        ref var yr0 = ref MemoryMarshal.GetReference(yr);
        ref var yi0 = ref MemoryMarshal.GetReference(yi);
        for (var p = 0; p < m; p++)
        {
            var w1r = twr[3 * p];
            var w2r = twr[(3 * p) + 1];
            var w3r = twr[(3 * p) + 2];
            var w1i = twi[3 * p];
            var w2i = twi[(3 * p) + 1];
            var w3i = twi[(3 * p) + 2];
            var inBase = p << strideLog2;
            var outBase = inBase << 2;
            for (var q = 0; q < s; q++)
            {
                var i = inBase + q;
                var ar = Unsafe.Add(ref xr0, i);
                var ai = Unsafe.Add(ref xi0, i);
                var br = Unsafe.Add(ref xr0, i + quarter);
                var bi = Unsafe.Add(ref xi0, i + quarter);
                var cr = Unsafe.Add(ref xr0, i + (2 * quarter));
                var ci = Unsafe.Add(ref xi0, i + (2 * quarter));
                var dr = Unsafe.Add(ref xr0, i + (3 * quarter));
                var di = Unsafe.Add(ref xi0, i + (3 * quarter));
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
                var o = outBase + q;
                Unsafe.Add(ref yr0, o) = t0r + t2r;
                Unsafe.Add(ref yi0, o) = t0i + t2i;
                if (unit)
                {
                    Unsafe.Add(ref yr0, o + s) = u1r;
                    Unsafe.Add(ref yi0, o + s) = u1i;
                    Unsafe.Add(ref yr0, o + (2 * s)) = u2r;
                    Unsafe.Add(ref yi0, o + (2 * s)) = u2i;
                    Unsafe.Add(ref yr0, o + (3 * s)) = u3r;
                    Unsafe.Add(ref yi0, o + (3 * s)) = u3i;
                    continue;
                }

                Unsafe.Add(ref yr0, o + s) = (u1r * w1r) - (u1i * w1i);
                Unsafe.Add(ref yi0, o + s) = (u1r * w1i) + (u1i * w1r);
                Unsafe.Add(ref yr0, o + (2 * s)) = (u2r * w2r) - (u2i * w2i);
                Unsafe.Add(ref yi0, o + (2 * s)) = (u2r * w2i) + (u2i * w2r);
                Unsafe.Add(ref yr0, o + (3 * s)) = (u3r * w3r) - (u3i * w3i);
                Unsafe.Add(ref yi0, o + (3 * s)) = (u3r * w3i) + (u3i * w3r);
            }
        }
    }

    // Real split, M = N/2, Z = FFT_M(x_2n + i·x_2n+1), W^k = e^{-2πik/N}, (c, s) = W^k / 2:
    //   X_k = (Z_k + conj Z_{M-k})/2 + W^k (Z_k - conj Z_{M-k})/(2i)
    // With h = (ar + br, ai - bi), g = (ai + bi, br - ar), e = h/2, r = (c, s)·g:
    //   X_k = e + r,  X_{M-k} = conj(e - r).  Bins 0 and M are real: Z_0r ± Z_0i.
    // Pairs k = 1..M/2-1 from `start`; the middle bin k = M/2 and bins 0, M are always done here.
    private static void SplitScalar(ReadOnlySpan<float> zr, ReadOnlySpan<float> zi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi, Span<float> xr, Span<float> xi, int start)
    {
        var m = zr.Length;
        var mid = m >> 1;
        for (var k = start; k < mid; k++)
        {
            SplitPair(zr[k], zi[k], zr[m - k], zi[m - k], twr[k], twi[k], out var er, out var ei, out var rr, out var ri);
            xr[k] = er + rr;
            xi[k] = ei + ri;
            xr[m - k] = er - rr;
            xi[m - k] = ri - ei;
        }

        SplitPair(zr[mid], zi[mid], zr[mid], zi[mid], twr[mid], twi[mid], out var mer, out var mei, out var mrr, out var mri);
        xr[mid] = mer + mrr;
        xi[mid] = mei + mri;
        xr[0] = zr[0] + zi[0];
        xi[0] = 0f;
        xr[m] = zr[0] - zi[0];
        xi[m] = 0f;
    }

    private static void SplitMagnitudesScalar(ReadOnlySpan<float> zr, ReadOnlySpan<float> zi, ReadOnlySpan<float> twr, ReadOnlySpan<float> twi, Span<float> magnitudes, int start)
    {
        var m = zr.Length;
        var mid = m >> 1;
        for (var k = start; k < mid; k++)
        {
            SplitPair(zr[k], zi[k], zr[m - k], zi[m - k], twr[k], twi[k], out var er, out var ei, out var rr, out var ri);
            magnitudes[k] = Magnitude(er + rr, ei + ri);
            magnitudes[m - k] = Magnitude(er - rr, ri - ei);
        }

        SplitPair(zr[mid], zi[mid], zr[mid], zi[mid], twr[mid], twi[mid], out var mer, out var mei, out var mrr, out var mri);
        magnitudes[mid] = Magnitude(mer + mrr, mei + mri);
        magnitudes[0] = MathF.Abs(zr[0] + zi[0]);
        magnitudes[m] = MathF.Abs(zr[0] - zi[0]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SplitPair(float ar, float ai, float br, float bi, float c, float s, out float er, out float ei, out float rr, out float ri)
    {
        var gr = ai + bi;
        var gi = br - ar;
        er = 0.5f * (ar + br);
        ei = 0.5f * (ai - bi);
        rr = (c * gr) - (s * gi);
        ri = (c * gi) + (s * gr);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Magnitude(float re, float im) => MathF.Sqrt((re * re) + (im * im));
}
