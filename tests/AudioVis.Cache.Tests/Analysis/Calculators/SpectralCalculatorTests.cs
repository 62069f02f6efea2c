using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using CsCheck;
using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class SpectralCalculatorTests
{
    [TestCase(37)]
    [TestCase(200)]
    [TestCase(700)]
    public void Centroid_SineAtBin_IsBinFrequency(int bin)
    {
        var context = Context();

        var centroid = RunOne("spectral.centroid", context, Sine(2048, bin * BinWidth(context)))[0];

        Assert.That(centroid, Is.EqualTo(bin * BinWidth(context)).Within(0.01 * BinWidth(context)));
    }

    [Test]
    public void Centroid_Noise_MatchesOracle()
    {
        var context = Context();
        var frame = Frames(Noise(2048, seed: 21), context)[0];
        var m = frame.Magnitudes;
        var expected = m.Select((v, i) => i * v).Sum() / m.Sum() * (SampleRate / 2.0) / (m.Length - 1);

        var centroid = frame.Compute(Computer("spectral.centroid", context))[0];

        Assert.That(centroid, Is.EqualTo(expected).Within(1e-5 * expected));
    }

    [Test]
    public void Centroid_Silence_IsZero()
    {
        Assert.That(RunOne("spectral.centroid", Context(), Constant(2048, 0))[0], Is.Zero);
    }

    [Test]
    public void Rolloff_TwoSines_IsWhere85PercentOfPowerIsReached()
    {
        var context = Context();
        var df = BinWidth(context);
        var frame = Frames(Add(Sine(2048, 100 * df), Sine(2048, 400 * df, 0.5)), context)[0];
        var expected = OracleRolloff(frame.Power) * df;

        var rolloff = frame.Compute(Computer("spectral.rolloff", context))[0];

        Assert.Multiple(() =>
        {
            Assert.That(rolloff, Is.EqualTo(expected));
            // 1.5 of 1.875 units of power lie in the first sine's lobe (80%), so 85% is reached inside the second one's.
            Assert.That(rolloff, Is.EqualTo(400 * df).Within(1 * df));
        });
    }

    [Test]
    public void Rolloff_Noise_MatchesOracle()
    {
        var context = Context();
        var frame = Frames(Noise(2048, seed: 8), context)[0];

        var rolloff = frame.Compute(Computer("spectral.rolloff", context))[0];

        Assert.That(rolloff, Is.EqualTo(OracleRolloff(frame.Power) * BinWidth(context)));
    }

    [Test]
    public void Rolloff_Silence_IsZero()
    {
        Assert.That(RunOne("spectral.rolloff", Context(), Constant(2048, 0))[0], Is.Zero);
    }

    [Test]
    public void Flux_FirstFrame_IsL2NormOfTheSpectrum()
    {
        var context = Context();
        var frame = Frames(Noise(2048, seed: 13), context)[0];
        var expected = Math.Sqrt(frame.MagnitudesF.Sum(m => (double)m * m));

        var flux = frame.Compute(Computer("spectral.flux", context))[0];

        Assert.That(flux, Is.EqualTo(expected).Within(1e-6 * expected));
    }

    [Test]
    public void Flux_IdenticalConsecutiveFrames_IsZeroAfterTheFirst()
    {
        var context = Context();
        var frame = Frames(Noise(2048, seed: 13), context)[0];

        var rows = Run("spectral.flux", context, [frame, frame with { Index = 1 }, frame with { Index = 2 }]);

        Assert.Multiple(() =>
        {
            Assert.That(rows[0][0], Is.GreaterThan(0f));
            Assert.That(rows[1][0], Is.Zero);
            Assert.That(rows[2][0], Is.Zero);
        });
    }

    [Test]
    public void Flux_ConsecutiveFrames_IsUnrectifiedL2Difference()
    {
        var context = Context();
        var frames = Frames(Add(Noise(8192, seed: 3), Sine(8192, 1234)), context);
        var expected = new double[frames.Count];
        for (var k = 0; k < frames.Count; k++)
        {
            var previous = k == 0 ? new double[1025] : frames[k - 1].Magnitudes;
            expected[k] = Math.Sqrt(frames[k].Magnitudes.Zip(previous, (a, b) => (a - b) * (a - b)).Sum());
        }

        var rows = Run("spectral.flux", context, frames);

        Assert.That(rows.Select(r => (double)r[0]), Is.EqualTo(expected).Within(1e-4).AsCollection);
    }

    [Test]
    public void Flux_LouderThenQuieter_CountsDecreasesToo()
    {
        var context = Context();
        var loud = Frames(Sine(2048, 1000), context)[0];
        var quiet = Frames(Sine(2048, 1000, 0.5), context)[0] with { Index = 1 };

        var rows = Run("spectral.flux", context, [loud, quiet]);

        Assert.That(rows[1][0], Is.EqualTo(rows[0][0] / 2).Within(1e-4));
    }

    [Test]
    public void Flatness_NoiseAndTone_MatchOracle()
    {
        var context = Context();
        var noise = Frames(Noise(2048, seed: 17), context)[0];
        var tone = Frames(Sine(2048, 300 * BinWidth(context)), context)[0];

        var noiseFlatness = noise.Compute(Computer("spectral.flatness", context))[0];
        var toneFlatness = tone.Compute(Computer("spectral.flatness", context))[0];

        Assert.Multiple(() =>
        {
            Assert.That(noiseFlatness, Is.EqualTo(OracleFlatness(noise.MagnitudesF)).Within(1e-5));
            Assert.That(toneFlatness, Is.EqualTo(OracleFlatness(tone.MagnitudesF)).Within(1e-5));
            Assert.That(noiseFlatness, Is.GreaterThan(0.5f), "white-ish noise is flat");
            Assert.That(toneFlatness, Is.LessThan(0.01f), "a pure tone is not");
        });
    }

    [Test]
    public void Flatness_SilenceOrAnExactZeroBin_IsZero()
    {
        var context = Context(Parameters(window: 64, hop: 64, fft: 64));
        var magnitudes = Enumerable.Repeat(0.5, 33).ToArray();
        magnitudes[7] = 0;
        var withZero = new TestFrame(0, new float[64], new float[64], magnitudes);
        var flat = new TestFrame(0, new float[64], new float[64], Enumerable.Repeat(0.5, 33).ToArray());

        Assert.Multiple(() =>
        {
            Assert.That(RunOne("spectral.flatness", Context(), Constant(2048, 0))[0], Is.Zero);
            Assert.That(withZero.Compute(Computer("spectral.flatness", context))[0], Is.Zero);
            Assert.That(flat.Compute(Computer("spectral.flatness", context))[0], Is.EqualTo(1f));
        });
    }

    [Test]
    public void SpectralDescriptors_RandomFrames_StayInTheirRanges()
    {
        var context = Context(Parameters(256, 64, 256));
        var window = HannWindow(256);
        Gen.Float[-1f, 1f].Array[256].Sample(samples =>
        {
            var frame = new TestFrame(0, samples, samples[..64], Magnitudes(samples, window, 256));
            var centroid = frame.Compute(Computer("spectral.centroid", context))[0];
            var rolloff = frame.Compute(Computer("spectral.rolloff", context))[0];
            var flatness = frame.Compute(Computer("spectral.flatness", context))[0];
            var flux = frame.Compute(Computer("spectral.flux", context))[0];
            return centroid is >= 0 and <= SampleRate / 2
                && rolloff is >= 0 and <= SampleRate / 2
                && flatness is >= 0 and <= 1
                && flux >= 0;
        });
    }

    private static IDescriptorFrameComputer Computer(string descriptor, AnalysisContext context) =>
        BuiltInCalculators.All.Single(c => c.Id == "spectral").CreateComputer(DescriptorId.Parse(descriptor), context);

    private static int OracleRolloff(double[] power)
    {
        var threshold = 0.85 * power.Sum();
        var cumulative = 0.0;
        for (var i = 0; i < power.Length; i++)
        {
            cumulative += power[i];
            if (cumulative >= threshold)
            {
                return i;
            }
        }

        return power.Length - 1;
    }

    private static double OracleFlatness(float[] magnitudes)
    {
        if (magnitudes.Any(m => m == 0))
        {
            return 0;
        }

        var geometric = Math.Exp(magnitudes.Average(m => Math.Log(m)));
        return geometric / magnitudes.Average(m => (double)m);
    }
}
