using AudioVis.Cache.Analysis.Calculators;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class FastLogTests
{
    [Test]
    public void Ln_PositiveNormalFloats_IsWithinTwoUlpOfTheDoubleLog()
    {
        var random = new Random(7);
        var worst = 0.0;
        for (var i = 0; i < 200_000; i++)
        {
            // Uniform in the exponent, so every binade from 2^-126 to 2^127 is sampled.
            var x = (float)Math.Pow(2, (random.NextDouble() * 253) - 126);
            if (x < FastLog.MinNormal || float.IsInfinity(x))
            {
                continue;
            }

            var exact = Math.Log(x);
            var ulp = Math.Max(Math.Abs(MathF.BitIncrement((float)exact) - (float)exact), float.Epsilon);
            worst = Math.Max(worst, Math.Abs(FastLog.Ln(x) - exact) / ulp);
        }

        Assert.That(worst, Is.LessThanOrEqualTo(2.0));
    }

    [TestCase(1f, 0f)]
    [TestCase(2f, 0.6931472f)]
    [TestCase(0.5f, -0.6931472f)]
    public void Ln_ExactPoints(float x, float expected)
    {
        Assert.That(FastLog.Ln(x), Is.EqualTo(expected).Within(1e-7f));
    }

    [Test]
    public void ScaledLn_EveryLength_VectorAndTailGiveTheScalarBits()
    {
        var random = new Random(11);
        for (var length = 0; length <= 67; length++)
        {
            var x = new float[length];
            for (var i = 0; i < length; i++)
            {
                x[i] = (float)(random.NextDouble() * Math.Pow(10, random.Next(-14, 4)));
            }

            if (length > 3)
            {
                x[1] = 0f;
                x[2] = float.NaN;
                x[3] = -1f;
            }

            var destination = new float[length];
            FastLog.ScaledLn(x, 1e-10f, 4.3429446f, destination);

            var expected = x.Select(v => FastLog.Ln(v > 1e-10f ? v : 1e-10f) * 4.3429446f).ToArray();
            Assert.That(destination.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expected.Select(BitConverter.SingleToInt32Bits)).AsCollection, $"length {length}");
        }
    }
}
