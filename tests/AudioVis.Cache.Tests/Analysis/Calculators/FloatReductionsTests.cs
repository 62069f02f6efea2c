using AudioVis.Cache.Analysis.Calculators;
using CsCheck;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class FloatReductionsTests
{
    public enum Term
    {
        Sum,
        Dot,
        SumOfSquaredDifferences,
        SumOfRises,
    }

    private static readonly int[] Lengths = [.. Enumerable.Range(0, 101), 127, 128, 129, 1025, 2048];

    private static readonly int[] RowLengths = [5, 16, 31, 32, 40, 100, 1025];

    // Finite values over 60 binary orders of magnitude, both signs: float sums of them depend on the order of the additions.
    private static readonly Gen<float> Spread = Gen.Select(Gen.Float[-1f, 1f], Gen.Int[-30, 30], MathF.ScaleB);

    private static IEnumerable<Term> Terms() => Enum.GetValues<Term>();

    [TestCaseSource(nameof(Terms))]
    public void Reduce_EveryLength_IsBitIdenticalToTheDocumentedOrder(Term term)
    {
        var random = new Random(20261125 + (int)term);

        using (Assert.EnterMultipleScope())
        {
            foreach (var length in Lengths)
            {
                var x = SpreadValues(random, length);
                var y = SpreadValues(random, length);

                var actual = Reduce(term, x, y);

                Assert.That(Bits(actual), Is.EqualTo(Bits(Reference(term, x, y))), $"{term}, length {length}");
            }
        }
    }

    [TestCaseSource(nameof(Terms))]
    public void Reduce_SecondSpanLonger_ReadsOnlyTheFirstSpansLength(Term term)
    {
        var random = new Random(77);
        var x = SpreadValues(random, 45);
        var y = SpreadValues(random, 70);

        Assert.That(Bits(Reduce(term, x, y)), Is.EqualTo(Bits(Reference(term, x, y.AsSpan(0, 45).ToArray()))));
    }

    [Test]
    public void Reduce_RandomSpans_IsBitIdenticalToTheDocumentedOrder()
    {
        var cases =
            from term in Gen.Int[0, 3].Select(t => (Term)t)
            from length in Gen.Int[0, 300]
            from x in Spread.Array[length]
            from y in Spread.Array[length]
            select (term, x, y);

        cases.Sample(c => Bits(Reduce(c.term, c.x, c.y)) == Bits(Reference(c.term, c.x, c.y)));
    }

    [Test]
    public void Sum_LargeFirstTerm_FollowsTheLanesNotTheIndexOrder()
    {
        // 2^24 then 31 ones. In index order every 1 is a tie that rounds back to 2^24 (even). In the documented order lane 0
        // gets 2^24 + 1 + 1 → 2^24 (ties), lanes 1…15 get 2; the halves fold to 2^24 + 2 + 4 + (8 + 8 + 8), exact: 2^24 + 30.
        var x = new float[32];
        Array.Fill(x, 1f);
        x[0] = 16_777_216f;
        var sequential = 0f;
        foreach (var v in x)
        {
            sequential += v;
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(sequential, Is.EqualTo(16_777_216f));
            Assert.That(Reference(Term.Sum, x, x), Is.EqualTo(16_777_246f));
            Assert.That(FloatReductions.Sum(x), Is.EqualTo(16_777_246f));
        }
    }

    [Test]
    public void SumAndDot_PositiveData_AreWithinOneHundredThousandthOfTheDoubleSum()
    {
        var random = new Random(1025);
        var x = Enumerable.Range(0, 1025).Select(_ => (float)(random.NextDouble() + 0.01)).ToArray();
        var y = Enumerable.Range(0, 1025).Select(_ => (float)(random.NextDouble() + 0.01)).ToArray();
        var sum = x.Sum(v => (double)v);
        var dot = x.Zip(y, (a, b) => (double)a * b).Sum();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(FloatReductions.Sum(x), Is.EqualTo(sum).Within(1e-5 * sum));
            Assert.That(FloatReductions.Dot(x, y), Is.EqualTo(dot).Within(1e-5 * dot));
        }
    }

    [Test]
    public void Dots_EveryRowCountAndLength_IsBitIdenticalToDotPerRow()
    {
        var random = new Random(13);

        using (Assert.EnterMultipleScope())
        {
            foreach (var length in RowLengths)
            {
                foreach (var stride in new[] { length, length + 1, length + 19 })
                {
                    for (var rows = 1; rows <= 13; rows++)
                    {
                        var matrix = SpreadValues(random, ((rows - 1) * stride) + length);
                        var x = SpreadValues(random, length);
                        var results = new float[rows];

                        FloatReductions.Dots(matrix, stride, x, results);

                        var expected = Enumerable.Range(0, rows).Select(r => Bits(FloatReductions.Dot(matrix.AsSpan(r * stride, length), x))).ToArray();
                        var reference = Enumerable.Range(0, rows).Select(r => Bits(Reference(Term.Dot, matrix.AsSpan(r * stride, length).ToArray(), x))).ToArray();
                        Assert.That(results.Select(Bits), Is.EqualTo(expected), $"length {length}, stride {stride}, rows {rows}");
                        Assert.That(expected, Is.EqualTo(reference), $"length {length}, stride {stride}, rows {rows}");
                    }
                }
            }
        }
    }

    [Test]
    public void Dots_PaddingBetweenRows_IsNotRead()
    {
        // Each row holds 40 values then 9 NaNs; NaN anywhere in a product would make the row's result NaN.
        const int Length = 40;
        const int Stride = 49;
        const int Rows = 9;
        var random = new Random(3);
        var matrix = new float[((Rows - 1) * Stride) + Length];
        Array.Fill(matrix, float.NaN);
        for (var r = 0; r < Rows; r++)
        {
            SpreadValues(random, Length).CopyTo(matrix, r * Stride);
        }

        var x = SpreadValues(random, Length);
        var results = new float[Rows];

        FloatReductions.Dots(matrix, Stride, x, results);

        Assert.That(results.Select(Bits), Is.EqualTo(Enumerable.Range(0, Rows).Select(r => Bits(Reference(Term.Dot, matrix.AsSpan(r * Stride, Length).ToArray(), x)))));
    }

    [Test]
    public void Dots_NoRows_WritesNothingAndAcceptsAnyMatrix()
    {
        Assert.That(() => FloatReductions.Dots([], 10, new float[10], []), Throws.Nothing);
    }

    [TestCase(1, 40, 40, 39)]
    [TestCase(4, 40, 40, (3 * 40) + 39)]
    [TestCase(5, 33, 40, (4 * 40) + 32)]
    [TestCase(13, 1025, 1030, (12 * 1030) + 1024)]
    public void Dots_MatrixTooShort_ThrowsArgumentException(int rows, int length, int stride, int matrixLength)
    {
        var matrix = new float[matrixLength];
        var x = new float[length];
        var results = new float[rows];

        Assert.That(() => FloatReductions.Dots(matrix, stride, x, results), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
    }

    [Test]
    public void Dots_StrideShorterThanTheRow_ThrowsArgumentException()
    {
        Assert.That(() => FloatReductions.Dots(new float[1000], 31, new float[32], new float[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("matrix"));
    }

    [Test]
    public void Dots_MatrixExactlyLongEnough_DoesNotThrow()
    {
        var results = new float[5];

        FloatReductions.Dots(Enumerable.Repeat(1f, (4 * 40) + 33).ToArray(), 40, Enumerable.Repeat(2f, 33).ToArray(), results);

        Assert.That(results, Is.All.EqualTo(66f));
    }

    [TestCase(Term.Dot, 16, 15)]
    [TestCase(Term.SumOfSquaredDifferences, 1, 0)]
    [TestCase(Term.SumOfRises, 100, 99)]
    [TestCase(Term.Dot, 1025, 1024)]
    public void Reduce_SecondSpanShorter_ThrowsArgumentException(Term term, int xLength, int yLength)
    {
        var x = new float[xLength];
        var y = new float[yLength];

        Assert.That(() => Reduce(term, x, y), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
    }

    [TestCase(5)]
    [TestCase(16)]
    [TestCase(40)]
    [TestCase(1025)]
    public void FourSparseDots_ZeroBlocksLeftOut_IsBitIdenticalToDotPerRow(int length)
    {
        var random = new Random(length);
        const int Stride = 1040;
        var matrix = new float[4 * Stride];
        var x = new float[length];
        for (var i = 0; i < length; i++)
        {
            x[i] = random.NextSingle();
        }

        // Every third block is zero in all four rows and left out of the lists; the others are listed.
        var blocks = length / FloatReductions.Lanes;
        var even = new List<int>();
        var odd = new List<int>();
        for (var j = 0; j < blocks; j++)
        {
            if (j % 3 == 2)
            {
                continue;
            }

            (j % 2 == 0 ? even : odd).Add(j);
            for (var r = 0; r < 4; r++)
            {
                for (var k = 0; k < FloatReductions.Lanes; k++)
                {
                    matrix[(r * Stride) + (j * FloatReductions.Lanes) + k] = random.NextSingle();
                }
            }
        }

        for (var r = 0; r < 4; r++)
        {
            for (var i = blocks * FloatReductions.Lanes; i < length; i++)
            {
                matrix[(r * Stride) + i] = random.NextSingle();
            }
        }

        var results = new float[4];
        FloatReductions.FourSparseDots(matrix, Stride, x, [.. even], [.. odd], results);

        Assert.Multiple(() =>
        {
            for (var r = 0; r < 4; r++)
            {
                var expected = FloatReductions.Dot(matrix.AsSpan(r * Stride, length), x);
                Assert.That(Bits(results[r]), Is.EqualTo(Bits(expected)), $"row {r}");
            }
        });
    }

    [Test]
    public void FourSparseDots_MatrixTooShort_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() => FloatReductions.FourSparseDots(new float[100], 30, new float[30], [], [], new float[4]));

        Assert.That(ex!.ParamName, Is.EqualTo("matrix"));
    }

    private static float Reduce(Term term, float[] x, float[] y) => term switch
    {
        Term.Sum => FloatReductions.Sum(x),
        Term.Dot => FloatReductions.Dot(x, y),
        Term.SumOfSquaredDifferences => FloatReductions.SumOfSquaredDifferences(x, y),
        _ => FloatReductions.SumOfRises(x, y),
    };

    // The documented order, one float addition at a time: whole blocks of 16 terms alternate between two sets of 16
    // lanes, the sets are added lane by lane, the lanes folded in halves, and the remaining terms added in index order.
    private static float Reference(Term term, float[] x, float[] y)
    {
        var full = x.Length / 16 * 16;
        var sum = 0f;
        if (full > 0)
        {
            var a = new float[16];
            var b = new float[16];
            for (var block = 0; block < full / 16; block++)
            {
                var set = block % 2 == 0 ? a : b;
                for (var k = 0; k < 16; k++)
                {
                    var i = (16 * block) + k;
                    set[k] += Of(term, x[i], y[i]);
                }
            }

            var s = new float[16];
            for (var k = 0; k < 16; k++)
            {
                s[k] = a[k] + b[k];
            }

            for (var k = 0; k < 8; k++)
            {
                s[k] += s[k + 8];
            }

            for (var k = 0; k < 4; k++)
            {
                s[k] += s[k + 4];
            }

            sum = (s[0] + s[2]) + (s[1] + s[3]);
        }

        for (var i = full; i < x.Length; i++)
        {
            sum += Of(term, x[i], y[i]);
        }

        return sum;
    }

    private static float Of(Term term, float x, float y)
    {
        switch (term)
        {
            case Term.Sum:
                return x;
            case Term.Dot:
                return x * y;
            case Term.SumOfSquaredDifferences:
                var d = x - y;
                return d * d;
            default:
                return Math.Max(x - y, 0f);
        }
    }

    private static float[] SpreadValues(Random random, int length) =>
        [.. Enumerable.Range(0, length).Select(_ => MathF.ScaleB((float)((2 * random.NextDouble()) - 1), random.Next(-30, 31)))];

    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);
}
