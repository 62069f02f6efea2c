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

    // (window, hop, fft): the hop divides the window (4, 2, 1, 32 and 8 blocks; blocks shorter than, equal to and longer than
    // the vector width) or does not (one block per frame).
    private static readonly int[][] Profiles =
    [
        [2048, 512, 2048], [2048, 1024, 2048], [2048, 2048, 2048], [256, 8, 256], [256, 32, 256], [1000, 125, 1024],
        [2048, 500, 2048], [2048, 1000, 2048], [1000, 300, 1024], [256, 17, 256],
    ];

    private static IEnumerable<TestCaseData> ProfileCases() =>
        Profiles.Select(p => new TestCaseData(p[0], p[1], p[2]).SetArgDisplayNames($"N{p[0]}", $"hop{p[1]}"));

    [TestCaseSource(nameof(ProfileCases))]
    public void TimeDescriptors_ConsecutiveFrames_MatchTheDirectComputationOfEachFrame(int window, int hop, int fft)
    {
        var context = Context(Parameters(window, hop, fft));
        var frames = Frames(Noise(window + (24 * hop), 20261125), context);
        Assert.That(frames, Has.Count.EqualTo(25));

        AssertMatchesDirect(context, frames);
    }

    [TestCaseSource(nameof(ProfileCases))]
    public void TimeDescriptors_ManyZerosAndSignChangesAtBlockEdges_MatchTheDirectComputation(int window, int hop, int fft)
    {
        // Samples from {−0.25, 0, 0.25}: a third are 0 (which counts as not positive), so crossings and ties are frequent.
        var random = new Random(77);
        var signal = Enumerable.Range(0, window + (24 * hop)).Select(_ => random.Next(-1, 2) * 0.25).ToArray();
        var context = Context(Parameters(window, hop, fft));

        AssertMatchesDirect(context, Frames(signal, context));
    }

    [TestCase(512)]
    [TestCase(500)]
    public void TimeDescriptors_FramesOutOfSequence_MatchTheDirectComputation(int hop)
    {
        var context = Context(Parameters(2048, hop, 2048));
        var frames = Frames(Noise(2048 + (30 * hop), 99), context);

        using (Assert.EnterMultipleScope())
        {
            AssertMatchesDirect(context, [.. new[] { 0, 1, 2, 7, 8 }.Select(k => frames[k])]);
            AssertMatchesDirect(context, [.. new[] { 3, 4, 4, 5, 2, 3, 0, 1, 29, 30, 12, 13, 14 }.Select(k => frames[k])]);
            AssertMatchesDirect(context, [.. new[] { 5, 6, 7, 0, 1, 2 }.Select(k => frames[k])]);
        }
    }

    [Test]
    public void TimeDescriptors_FrameIndexZeroAgain_RecomputesFromTheNewSamples()
    {
        // Two signals analysed one after the other by the same computers: frame 0 of the second starts afresh even though
        // frame 1 of the first came just before.
        var context = Context();
        var first = Frames(Noise(2048 + (4 * 512), 1), context);
        var second = Frames(Sine(2048 + (4 * 512), 1000, 0.3), context);

        AssertMatchesDirect(context, [first[0], first[1], .. second]);
    }

    private static void AssertMatchesDirect(Cache.Analysis.AnalysisContext context, IReadOnlyList<TestFrame> frames)
    {
        var rms = Computer("rms", context);
        var peak = Computer("peak", context);
        var zcr = Computer("zcr", context);
        var hop = context.Parameters.HopSize;
        using (Assert.EnterMultipleScope())
        {
            foreach (var frame in frames)
            {
                var x = frame.Samples;
                var crossings = 0;
                for (var i = 1; i < x.Length; i++)
                {
                    crossings += (x[i - 1] > 0) != (x[i] > 0) ? 1 : 0;
                }

                var expectedRms = Math.Sqrt(x.Sum(v => (double)v * v) / x.Length);
                var message = $"frame {frame.Index} (hop {hop})";
                Assert.That(frame.Compute(rms)[0], Is.EqualTo(expectedRms).Within(1e-6 * expectedRms), message);
                Assert.That(frame.Compute(peak)[0], Is.EqualTo(x.Max(MathF.Abs)), message);
                Assert.That(frame.Compute(zcr)[0], Is.EqualTo((float)((double)crossings / x.Length)), message);
            }
        }
    }

    private static Cache.Analysis.IDescriptorFrameComputer Computer(string descriptor, Cache.Analysis.AnalysisContext context) =>
        Cache.Analysis.BuiltInCalculators.All.Single(c => c.Id == "time").CreateComputer(AudioVis.Cache.Descriptors.DescriptorId.Parse(descriptor), context);
}
