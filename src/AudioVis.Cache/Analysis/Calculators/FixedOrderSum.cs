using System.Runtime.Intrinsics;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>A term of a <see cref="FixedOrderSum"/>: the value added for index <c>i</c>.</summary>
internal interface ISumTerm
{
    /// <summary>The term for index <paramref name="i"/>, in double.</summary>
    double At(int i);

    /// <summary>The terms for indices <c>i … i + 3</c>: element-wise the same operations as <see cref="At"/>.</summary>
    Vector256<double> At4(int i);
}

/// <summary>
/// Sums in double over eight interleaved partial sums: partial <c>k</c> adds the terms <c>start + k</c>, <c>start + k + 8</c>, …
/// in index order, the remainder (fewer than 8 terms) goes to partial 0 in index order, and the partials are combined as
/// <c>((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))</c>.
/// </summary>
/// <remarks>
/// The order depends only on <c>start</c> and <c>end</c>, never on the hardware, so the result is the same bits on every
/// machine and SIMD path; the eight independent chains let the CPU overlap the additions (one chain in index order is
/// bound by the add latency, about 4× slower). With AVX2 the eight partials are the lanes of two <see cref="Vector256{T}"/>
/// accumulators, each lane doing exactly the additions of its scalar partial.
/// </remarks>
internal static class FixedOrderSum
{
    /// <summary>Σ_{i = start}^{end − 1} term(i) in the fixed order.</summary>
    public static double Sum<T>(int start, int end, T term)
        where T : ISumTerm, allows ref struct
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        var i = start;
        if (Vector256.IsHardwareAccelerated && end - start >= 8)
        {
            var low = Vector256<double>.Zero;
            var high = Vector256<double>.Zero;
            for (; i <= end - 8; i += 8)
            {
                low += term.At4(i);
                high += term.At4(i + 4);
            }

            (s0, s1, s2, s3) = (low[0], low[1], low[2], low[3]);
            (s4, s5, s6, s7) = (high[0], high[1], high[2], high[3]);
        }

        for (; i <= end - 8; i += 8)
        {
            s0 += term.At(i);
            s1 += term.At(i + 1);
            s2 += term.At(i + 2);
            s3 += term.At(i + 3);
            s4 += term.At(i + 4);
            s5 += term.At(i + 5);
            s6 += term.At(i + 6);
            s7 += term.At(i + 7);
        }

        for (; i < end; i++)
        {
            s0 += term.At(i);
        }

        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /// <summary>Σ x_i in the fixed order.</summary>
    public static double Sum(ReadOnlySpan<float> x) => Sum(0, x.Length, new Values(x));

    /// <summary>Σ x_i² in the fixed order.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x) => Sum(0, x.Length, new Squares(x));

    /// <summary>x_i.</summary>
    public readonly ref struct Values(ReadOnlySpan<float> x) : ISumTerm
    {
        private readonly ReadOnlySpan<float> _x = x;

        public double At(int i) => _x[i];

        public Vector256<double> At4(int i) => Widen(_x, i);
    }

    /// <summary>x_i².</summary>
    public readonly ref struct Squares(ReadOnlySpan<float> x) : ISumTerm
    {
        private readonly ReadOnlySpan<float> _x = x;

        public double At(int i)
        {
            double v = _x[i];
            return v * v;
        }

        public Vector256<double> At4(int i)
        {
            var v = Widen(_x, i);
            return v * v;
        }
    }

    /// <summary>x[i … i + 3] converted to double (exact).</summary>
    public static Vector256<double> Widen(ReadOnlySpan<float> x, int i)
    {
        var v = Vector128.Create(x.Slice(i, 4));
        return Vector256.Create(Vector128.WidenLower(v), Vector128.WidenUpper(v));
    }
}
