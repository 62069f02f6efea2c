using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace AudioVis.Cache.Analysis.Calculators;

/// <summary>
/// Float reductions over spans in a fixed order: the whole blocks of 16 terms go to two sets of 16 lanes, even blocks to
/// the first and odd blocks to the second (lane <c>k</c> of the first set adds the terms <c>k</c>, <c>k + 32</c>,
/// <c>k + 64</c>… in index order, of the second <c>k + 16</c>, <c>k + 48</c>…); the sets are added lane by lane, the lanes
/// folded in halves (<c>s[k] += s[k + 8]</c>, <c>s[k] += s[k + 4]</c>, then <c>(s[0] + s[2]) + (s[1] + s[3])</c>), and the
/// remaining terms (fewer than 16) are then added one by one in index order.
/// </summary>
/// <remarks>
/// The order depends only on the length, so every path gives the same bits: two <see cref="Vector512{T}"/>
/// accumulators, four <see cref="Vector256{T}"/>, eight <see cref="Vector128{T}"/> or 32 scalars add the same terms in the
/// same order (two independent chains, so the additions overlap), with separate multiplies and adds (no fused multiply-add), and every
/// element-wise operation is exactly rounded. Float sums of ~1,000 positive terms in 16 lanes stay within a few
/// 1e-7 relative, which the descriptors' tests bound against double-precision oracles.
/// </remarks>
internal static class FloatReductions
{
    /// <summary>The number of interleaved partial sums.</summary>
    public const int Lanes = 16;

    /// <summary>Σ x_i.</summary>
    public static float Sum(ReadOnlySpan<float> x) => Reduce<SumTerm>(x, x);

    /// <summary>Σ x_i·y_i; <paramref name="y"/> holds at least as many values as <paramref name="x"/>.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Reduce<ProductTerm>(x, y);

    /// <summary>Σ (x_i − y_i)².</summary>
    public static float SumOfSquaredDifferences(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Reduce<SquaredDifferenceTerm>(x, y);

    /// <summary>Σ max(x_i − y_i, 0).</summary>
    public static float SumOfRises(ReadOnlySpan<float> x, ReadOnlySpan<float> y) => Reduce<RiseTerm>(x, y);

    /// <summary><c>results[r] = Dot(matrix[r·stride … r·stride + x.Length), x)</c> for every row.</summary>
    /// <param name="matrix">Row-major rows of <paramref name="stride"/> values; only the first <c>x.Length</c> of each are read.</param>
    /// <param name="stride">The distance between rows, at least <c>x.Length</c>.</param>
    /// <param name="x">The vector.</param>
    /// <param name="results">One value per row.</param>
    public static void Dots(ReadOnlySpan<float> matrix, int stride, ReadOnlySpan<float> x, Span<float> results)
    {
        var rows = results.Length;
        if (rows == 0)
        {
            return;
        }

        if (stride < x.Length || matrix.Length < ((rows - 1) * stride) + x.Length)
        {
            throw new ArgumentException($"The matrix holds {matrix.Length} values; {rows} rows of stride {stride} over {x.Length} values need more.", nameof(matrix));
        }

        for (var row = 0; row < rows; row++)
        {
            results[row] = Dot(matrix.Slice(row * stride, x.Length), x);
        }
    }

    /// <summary>
    /// <see cref="Dot"/> of four rows with the vector <paramref name="x"/>, bit-identical to <see cref="Dot"/> row by row,
    /// visiting only the listed whole blocks of 16: every block not listed is all zero in all four rows (it would add +0
    /// to every lane, which changes nothing when no lane is −0; the caller guarantees non-negative terms).
    /// </summary>
    /// <param name="matrix">Four rows of <paramref name="stride"/> values; the first <c>x.Length</c> of each are used.</param>
    /// <param name="stride">The distance between rows, at least <c>x.Length</c>.</param>
    /// <param name="x">The vector.</param>
    /// <param name="evenBlocks">The indices of the blocks with an even index that are not zero in every row, ascending.</param>
    /// <param name="oddBlocks">The same for odd indices.</param>
    /// <param name="results">Four values.</param>
    public static void FourSparseDots(ReadOnlySpan<float> matrix, int stride, ReadOnlySpan<float> x, ReadOnlySpan<int> evenBlocks, ReadOnlySpan<int> oddBlocks, Span<float> results)
    {
        if (stride < x.Length || matrix.Length < (3 * stride) + x.Length || results.Length != 4)
        {
            throw new ArgumentException($"The matrix holds {matrix.Length} values; 4 rows of stride {stride} over {x.Length} values need more.", nameof(matrix));
        }

        if (!Vector512.IsHardwareAccelerated)
        {
            for (var r = 0; r < 4; r++)
            {
                results[r] = Dot(matrix.Slice(r * stride, x.Length), x);
            }

            return;
        }

        ref var r0 = ref MemoryMarshal.GetReference(matrix);
        ref var r1 = ref Unsafe.Add(ref r0, stride);
        ref var r2 = ref Unsafe.Add(ref r1, stride);
        ref var r3 = ref Unsafe.Add(ref r2, stride);
        ref var xr = ref MemoryMarshal.GetReference(x);
        var full = x.Length & ~(Lanes - 1);
        // The even and odd lists side by side: eight independent chains per step.
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector512<float> b0 = default, b1 = default, b2 = default, b3 = default;
        var both = Math.Min(evenBlocks.Length, oddBlocks.Length);
        for (var k = 0; k < both; k++)
        {
            var i = (nuint)(evenBlocks[k] * Lanes);
            var j = (nuint)(oddBlocks[k] * Lanes);
            var v = Vector512.LoadUnsafe(ref xr, i);
            var w = Vector512.LoadUnsafe(ref xr, j);
            a0 += Vector512.LoadUnsafe(ref r0, i) * v;
            a1 += Vector512.LoadUnsafe(ref r1, i) * v;
            a2 += Vector512.LoadUnsafe(ref r2, i) * v;
            a3 += Vector512.LoadUnsafe(ref r3, i) * v;
            b0 += Vector512.LoadUnsafe(ref r0, j) * w;
            b1 += Vector512.LoadUnsafe(ref r1, j) * w;
            b2 += Vector512.LoadUnsafe(ref r2, j) * w;
            b3 += Vector512.LoadUnsafe(ref r3, j) * w;
        }

        foreach (var block in evenBlocks[both..])
        {
            var i = (nuint)(block * Lanes);
            var v = Vector512.LoadUnsafe(ref xr, i);
            a0 += Vector512.LoadUnsafe(ref r0, i) * v;
            a1 += Vector512.LoadUnsafe(ref r1, i) * v;
            a2 += Vector512.LoadUnsafe(ref r2, i) * v;
            a3 += Vector512.LoadUnsafe(ref r3, i) * v;
        }

        foreach (var block in oddBlocks[both..])
        {
            var j = (nuint)(block * Lanes);
            var w = Vector512.LoadUnsafe(ref xr, j);
            b0 += Vector512.LoadUnsafe(ref r0, j) * w;
            b1 += Vector512.LoadUnsafe(ref r1, j) * w;
            b2 += Vector512.LoadUnsafe(ref r2, j) * w;
            b3 += Vector512.LoadUnsafe(ref r3, j) * w;
        }

        var s0 = full == 0 ? 0f : Fold(a0 + b0);
        var s1 = full == 0 ? 0f : Fold(a1 + b1);
        var s2 = full == 0 ? 0f : Fold(a2 + b2);
        var s3 = full == 0 ? 0f : Fold(a3 + b3);
        for (var i = full; i < x.Length; i++)
        {
            var v = Unsafe.Add(ref xr, i);
            s0 += Unsafe.Add(ref r0, i) * v;
            s1 += Unsafe.Add(ref r1, i) * v;
            s2 += Unsafe.Add(ref r2, i) * v;
            s3 += Unsafe.Add(ref r3, i) * v;
        }

        results[0] = s0;
        results[1] = s1;
        results[2] = s2;
        results[3] = s3;
    }

    private static float Reduce<T>(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        where T : struct, ITerm
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"The second span holds {y.Length} values; {x.Length} are needed.", nameof(y));
        }

        var full = x.Length & ~(Lanes - 1);
        var sum = full == 0 ? 0f : FoldedBlocks<T>(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), full);
        for (var i = full; i < x.Length; i++)
        {
            sum += T.Of(x[i], y[i]);
        }

        return sum;
    }

    // The folded lanes of the first `full` terms (a multiple of 16, at least 16): blocks alternate between two sets of lanes.
    private static float FoldedBlocks<T>(ref float x, ref float y, int full)
        where T : struct, ITerm
    {
        var pairs = full & ~((2 * Lanes) - 1);
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512<float>.Zero;
            var b = Vector512<float>.Zero;
            var i = 0;
            for (; i < pairs; i += 2 * Lanes)
            {
                a += T.Of(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i));
                b += T.Of(Vector512.LoadUnsafe(ref x, (nuint)(i + Lanes)), Vector512.LoadUnsafe(ref y, (nuint)(i + Lanes)));
            }

            if (i < full)
            {
                a += T.Of(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref y, (nuint)i));
            }

            return Fold(a + b);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = default, a1 = default, b0 = default, b1 = default;
            var i = 0;
            for (; i < pairs; i += 2 * Lanes)
            {
                a0 += T.Of(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i));
                a1 += T.Of(Vector256.LoadUnsafe(ref x, (nuint)(i + 8)), Vector256.LoadUnsafe(ref y, (nuint)(i + 8)));
                b0 += T.Of(Vector256.LoadUnsafe(ref x, (nuint)(i + 16)), Vector256.LoadUnsafe(ref y, (nuint)(i + 16)));
                b1 += T.Of(Vector256.LoadUnsafe(ref x, (nuint)(i + 24)), Vector256.LoadUnsafe(ref y, (nuint)(i + 24)));
            }

            if (i < full)
            {
                a0 += T.Of(Vector256.LoadUnsafe(ref x, (nuint)i), Vector256.LoadUnsafe(ref y, (nuint)i));
                a1 += T.Of(Vector256.LoadUnsafe(ref x, (nuint)(i + 8)), Vector256.LoadUnsafe(ref y, (nuint)(i + 8)));
            }

            return Fold((a0 + b0) + (a1 + b1));
        }

        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> a0 = default, a1 = default, a2 = default, a3 = default;
            Vector128<float> b0 = default, b1 = default, b2 = default, b3 = default;
            var i = 0;
            for (; i < pairs; i += 2 * Lanes)
            {
                a0 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i));
                a1 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 4)), Vector128.LoadUnsafe(ref y, (nuint)(i + 4)));
                a2 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 8)), Vector128.LoadUnsafe(ref y, (nuint)(i + 8)));
                a3 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 12)), Vector128.LoadUnsafe(ref y, (nuint)(i + 12)));
                b0 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 16)), Vector128.LoadUnsafe(ref y, (nuint)(i + 16)));
                b1 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 20)), Vector128.LoadUnsafe(ref y, (nuint)(i + 20)));
                b2 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 24)), Vector128.LoadUnsafe(ref y, (nuint)(i + 24)));
                b3 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 28)), Vector128.LoadUnsafe(ref y, (nuint)(i + 28)));
            }

            if (i < full)
            {
                a0 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)i), Vector128.LoadUnsafe(ref y, (nuint)i));
                a1 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 4)), Vector128.LoadUnsafe(ref y, (nuint)(i + 4)));
                a2 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 8)), Vector128.LoadUnsafe(ref y, (nuint)(i + 8)));
                a3 += T.Of(Vector128.LoadUnsafe(ref x, (nuint)(i + 12)), Vector128.LoadUnsafe(ref y, (nuint)(i + 12)));
            }

            // The sets lane by lane, then lanes k + 8 onto k (the third quarter onto the first, the fourth onto the second),
            // then lanes k + 4 onto k.
            var l0 = a0 + b0;
            var l1 = a1 + b1;
            var l2 = a2 + b2;
            var l3 = a3 + b3;
            return Fold((l0 + l2) + (l1 + l3));
        }

        Span<float> s = stackalloc float[2 * Lanes];
        s.Clear();
        for (var i = 0; i < full; i += Lanes)
        {
            var set = (i / Lanes) % 2 * Lanes;
            for (var k = 0; k < Lanes; k++)
            {
                s[set + k] += T.Of(Unsafe.Add(ref x, i + k), Unsafe.Add(ref y, i + k));
            }
        }

        for (var k = 0; k < Lanes; k++)
        {
            s[k] += s[Lanes + k];
        }

        for (var k = 0; k < 8; k++)
        {
            s[k] += s[k + 8];
        }

        for (var k = 0; k < 4; k++)
        {
            s[k] += s[k + 4];
        }

        return (s[0] + s[2]) + (s[1] + s[3]);
    }

    // Lanes k + 8 onto k, then k + 4 onto k, then (s0 + s2) + (s1 + s3).
    private static float Fold(Vector512<float> acc) => Fold(acc.GetLower() + acc.GetUpper());

    private static float Fold(Vector256<float> acc) => Fold(acc.GetLower() + acc.GetUpper());

    private static float Fold(Vector128<float> s) => (s.GetElement(0) + s.GetElement(2)) + (s.GetElement(1) + s.GetElement(3));

    private interface ITerm
    {
        static abstract float Of(float x, float y);

        static abstract Vector128<float> Of(Vector128<float> x, Vector128<float> y);

        static abstract Vector256<float> Of(Vector256<float> x, Vector256<float> y);

        static abstract Vector512<float> Of(Vector512<float> x, Vector512<float> y);
    }

    private readonly struct SumTerm : ITerm
    {
        public static float Of(float x, float y) => x;

        public static Vector128<float> Of(Vector128<float> x, Vector128<float> y) => x;

        public static Vector256<float> Of(Vector256<float> x, Vector256<float> y) => x;

        public static Vector512<float> Of(Vector512<float> x, Vector512<float> y) => x;
    }

    private readonly struct ProductTerm : ITerm
    {
        public static float Of(float x, float y) => x * y;

        public static Vector128<float> Of(Vector128<float> x, Vector128<float> y) => x * y;

        public static Vector256<float> Of(Vector256<float> x, Vector256<float> y) => x * y;

        public static Vector512<float> Of(Vector512<float> x, Vector512<float> y) => x * y;
    }

    private readonly struct SquaredDifferenceTerm : ITerm
    {
        public static float Of(float x, float y)
        {
            var d = x - y;
            return d * d;
        }

        public static Vector128<float> Of(Vector128<float> x, Vector128<float> y)
        {
            var d = x - y;
            return d * d;
        }

        public static Vector256<float> Of(Vector256<float> x, Vector256<float> y)
        {
            var d = x - y;
            return d * d;
        }

        public static Vector512<float> Of(Vector512<float> x, Vector512<float> y)
        {
            var d = x - y;
            return d * d;
        }
    }

    private readonly struct RiseTerm : ITerm
    {
        public static float Of(float x, float y)
        {
            var d = x - y;
            return d > 0f ? d : 0f;
        }

        public static Vector128<float> Of(Vector128<float> x, Vector128<float> y)
        {
            var d = x - y;
            return Vector128.ConditionalSelect(Vector128.GreaterThan(d, Vector128<float>.Zero), d, Vector128<float>.Zero);
        }

        public static Vector256<float> Of(Vector256<float> x, Vector256<float> y)
        {
            var d = x - y;
            return Vector256.ConditionalSelect(Vector256.GreaterThan(d, Vector256<float>.Zero), d, Vector256<float>.Zero);
        }

        public static Vector512<float> Of(Vector512<float> x, Vector512<float> y)
        {
            var d = x - y;
            return Vector512.ConditionalSelect(Vector512.GreaterThan(d, Vector512<float>.Zero), d, Vector512<float>.Zero);
        }
    }
}
