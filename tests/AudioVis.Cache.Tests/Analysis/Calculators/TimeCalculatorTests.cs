using CsCheck;
using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class TimeCalculatorTests
{
    [Test]
    public void Rms_FullScaleSine_IsOneOverSqrtTwo()
    {
        var context = Context();
        var sine = Sine(2048, 64 * BinWidth(context));

        Assert.That(RunOne("rms", context, sine)[0], Is.EqualTo(1 / Math.Sqrt(2)).Within(1e-6));
    }

    [Test]
    public void Rms_AnySignal_MatchesOracle()
    {
        var context = Context();
        var signals = new[] { Noise(2048, 1), Constant(2048, -0.25), Impulse(2048, 10, 0.5), Constant(2048, 0) };

        Assert.Multiple(() =>
        {
            foreach (var signal in signals)
            {
                var x = signal.Select(v => (double)(float)v).ToArray();
                var expected = Math.Sqrt(x.Sum(v => v * v) / x.Length);
                Assert.That(RunOne("rms", context, signal)[0], Is.EqualTo(expected).Within(1e-7));
            }
        });
    }

    [Test]
    public void Peak_KnownSignals_IsLargestAbsoluteSample()
    {
        var context = Context();

        Assert.Multiple(() =>
        {
            Assert.That(RunOne("peak", context, Sine(2048, 6000, 0.8))[0], Is.EqualTo(0.8f), "fs/8 puts a sample on every crest");
            Assert.That(RunOne("peak", context, Impulse(2048, 100, -0.9))[0], Is.EqualTo(0.9f));
            Assert.That(RunOne("peak", context, Constant(2048, 0))[0], Is.Zero);
            var noise = Noise(2048, 3);
            Assert.That(RunOne("peak", context, noise)[0], Is.EqualTo((float)noise.Max(Math.Abs)));
        });
    }

    [TestCase(0)]
    [TestCase(1000)]
    [TestCase(2047)]
    public void Peak_NaNSample_IsNaNAsMathMaxGives(int position)
    {
        var signal = Noise(2048, 4);
        signal[position] = double.NaN;

        Assert.That(RunOne("peak", Context(), signal)[0], Is.NaN);
    }

    [Test]
    public void Zcr_SineAtF_IsAboutTwoFOverFs()
    {
        var context = Context();
        const double Frequency = 1000;

        var zcr = RunOne("zcr", context, Sine(2048, Frequency, phase: 0.3))[0];

        Assert.That(zcr, Is.EqualTo(2 * Frequency / SampleRate).Within(2.0 / 2048));
    }

    [Test]
    public void Zcr_KnownSignals_CountsSignChangesOfXGreaterThanZero()
    {
        var context = Context();
        var alternating = Enumerable.Range(0, 2048).Select(n => n % 2 == 0 ? 0.5 : -0.5).ToArray();
        var zeroToPositive = Enumerable.Range(0, 2048).Select(n => n % 2 == 0 ? 0.0 : 0.5).ToArray();
        var zeroToNegative = Enumerable.Range(0, 2048).Select(n => n % 2 == 0 ? 0.0 : -0.5).ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(RunOne("zcr", context, alternating)[0], Is.EqualTo(2047f / 2048));
            Assert.That(RunOne("zcr", context, zeroToPositive)[0], Is.EqualTo(2047f / 2048), "0 counts as negative");
            Assert.That(RunOne("zcr", context, zeroToNegative)[0], Is.Zero, "0 and negative are on the same side");
            Assert.That(RunOne("zcr", context, Constant(2048, 0.3))[0], Is.Zero);
            Assert.That(RunOne("zcr", context, Constant(2048, 0))[0], Is.Zero);
        });
    }

    [Test]
    public void TimeDescriptors_RandomFrames_SatisfyInvariants()
    {
        var context = Context(Parameters(256, 64, 256));
        Gen.Float[-1f, 1f].Array[256].Sample(samples =>
        {
            var frame = new TestFrame(0, samples, samples[..64], new double[129]);
            var rms = frame.Compute(Computer("rms", context))[0];
            var peak = frame.Compute(Computer("peak", context))[0];
            var zcr = frame.Compute(Computer("zcr", context))[0];
            return rms >= 0 && peak >= rms && peak == samples.Max(Math.Abs) && zcr is >= 0 and <= 1;
        });
    }

    private static Cache.Analysis.IDescriptorFrameComputer Computer(string descriptor, Cache.Analysis.AnalysisContext context) =>
        Cache.Analysis.BuiltInCalculators.All.Single(c => c.Id == "time").CreateComputer(AudioVis.Cache.Descriptors.DescriptorId.Parse(descriptor), context);
}
