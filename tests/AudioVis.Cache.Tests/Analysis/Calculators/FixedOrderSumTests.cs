using AudioVis.Cache.Analysis.Calculators;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class FixedOrderSumTests
{
    [Test]
    public void Sum_EveryLength_IsTheDocumentedOrder()
    {
        var random = new Random(5);
        for (var length = 0; length <= 40; length++)
        {
            var x = Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-6, 7)))).ToArray();
            var partials = new double[8];
            var whole = length / 8 * 8;
            for (var i = 0; i < whole; i++)
            {
                partials[i % 8] += x[i];
            }

            for (var i = whole; i < length; i++)
            {
                partials[0] += x[i];
            }

            var expected = ((partials[0] + partials[1]) + (partials[2] + partials[3])) + ((partials[4] + partials[5]) + (partials[6] + partials[7]));

            Assert.That(BitConverter.DoubleToInt64Bits(FixedOrderSum.Sum(x)), Is.EqualTo(BitConverter.DoubleToInt64Bits(expected)), $"length {length}");
        }
    }

    [Test]
    public void SumOfSquares_IsCloseToTheSequentialSum()
    {
        float[] x = [.. Enumerable.Range(0, 2048).Select(i => (float)Math.Sin(i * 0.1))];

        Assert.That(FixedOrderSum.SumOfSquares(x), Is.EqualTo(x.Sum(v => (double)v * v)).Within(1e-12).Percent);
    }
}
