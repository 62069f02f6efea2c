using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class OnsetCalculatorTests
{
    [Test]
    public void OnsetStrength_Frames_MatchOracle()
    {
        var context = Context();
        var signal = Noise(16384, seed: 31, amplitude: 0.05);
        var burst = Noise(4096, seed: 32, amplitude: 0.8);
        burst.CopyTo(signal, 6000);
        var frames = Frames(signal, context);
        var expected = new double[frames.Count];
        for (var k = 1; k < frames.Count; k++)
        {
            var now = frames[k].Power.Select(Level).ToArray();
            var before = frames[k - 1].Power.Select(Level).ToArray();
            expected[k] = now.Zip(before, (a, b) => Math.Max(0, a - b)).Average();
        }

        var rows = Run("onset.strength", context, frames);

        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => (double)r[0]), Is.EqualTo(expected).Within(1e-4).AsCollection);
            var peak = Array.IndexOf(expected, expected.Max());
            Assert.That(peak * 512, Is.InRange(6000 - 2048, 6000), "the strongest onset is the first frame reaching into the burst");
        });
    }

    [Test]
    public void OnsetStrength_FirstFrame_IsZero()
    {
        Assert.That(RunOne("onset.strength", Context(), Noise(2048, seed: 1))[0], Is.Zero);
    }

    [Test]
    public void OnsetStrength_SilenceThenNoise_IsPositiveThenZeroWhenItStops()
    {
        var context = Context();
        var silence = Frames(Constant(2048, 0), context)[0];
        var noise = Frames(Noise(2048, seed: 2), context)[0];

        var rows = Run("onset.strength", context, [silence, noise with { Index = 1 }, noise with { Index = 2 }, silence with { Index = 3 }]);

        Assert.Multiple(() =>
        {
            Assert.That(rows[1][0], Is.GreaterThan(50f), "every bin rises from the -100 dB floor to the noise level");
            Assert.That(rows[2][0], Is.Zero, "no change");
            Assert.That(rows[3][0], Is.Zero, "decreases are rectified away");
        });
    }

    private static double Level(double power) => 10 * Math.Log10(Math.Max(power, 1e-10));
}
