using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using CsCheck;
using static AudioVis.Cache.Tests.Analysis.Calculators.Harness;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class BandsCalculatorTests
{
    private static readonly BandLayout[] Layouts = Enum.GetValues<BandLayout>();

    [TestCaseSource(nameof(Layouts))]
    public void Bands_Noise_MatchOracle(BandLayout layout)
    {
        var context = Context(Parameters() with { BandLayout = layout });
        var frame = Frames(Noise(2048, seed: 5), context)[0];
        var expected = OracleBands(frame.Power, context, 32);

        var values = frame.Compute(Computer("spectrum.bands32", context));

        Assert.Multiple(() =>
        {
            Assert.That(values, Has.Length.EqualTo(32));
            for (var b = 0; b < 32; b++)
            {
                Assert.That(values[b], Is.EqualTo(expected[b]).Within((1e-6 * expected[b]) + 1e-12), $"band {b}");
            }
        });
    }

    [TestCase(BandLayout.Logarithmic, 20.0, 20000.0, 24)]
    [TestCase(BandLayout.Mel, 20.0, 20000.0, 24)]
    [TestCase(BandLayout.Logarithmic, 0.0, 30000.0, 7)]
    [TestCase(BandLayout.Mel, 0.0, 30000.0, 512)]
    [TestCase(BandLayout.Mel, 500.0, 4000.0, 1)]
    public void Bands_AnyLayout_SumToTotalPowerOfTheCoveredRange(BandLayout layout, double minHz, double maxHz, int count)
    {
        var context = Context(Parameters() with { BandLayout = layout, MinBandFrequency = minHz, MaxBandFrequency = maxHz });
        var frame = Frames(Noise(2048, seed: 9), context)[0];
        var power = frame.Power;
        var nyquistIncluded = maxHz >= SampleRate / 2.0;
        var lo = layout == BandLayout.Logarithmic ? Math.Max(minHz, BinWidth(context) / 2) : minHz;
        var first = (int)Math.Floor((lo / BinWidth(context)) + 0.5);
        var end = nyquistIncluded ? power.Length : (int)Math.Floor((maxHz / BinWidth(context)) + 0.5);
        var expected = power[first..end].Sum();

        var values = frame.Compute(Computer($"spectrum.bands{count}", context));

        Assert.That(values.Sum(v => (double)v), Is.EqualTo(expected).Within(1e-5 * expected));
    }

    [Test]
    public void Bands_SineAtKnownFrequency_EnergyLandsInItsBand()
    {
        var context = Context(Parameters() with { BandLayout = BandLayout.Logarithmic, MinBandFrequency = 20, MaxBandFrequency = 20000 });
        var frequency = 200 * BinWidth(context); // 4687.5 Hz
        var edges = OracleEdges(context, 10);
        var band = Array.FindIndex(edges, e => e > frequency) - 1;

        var values = RunOne("spectrum.bands10", context, Sine(2048, frequency));

        Assert.Multiple(() =>
        {
            Assert.That(Array.IndexOf(values, values.Max()), Is.EqualTo(band));
            Assert.That(values[band], Is.EqualTo(1.5).Within(1e-3), "Hann main lobe: 1 + 2·0.5² of a unit sine");
        });
    }

    [Test]
    public void Bands_MoreBandsThanBinsAtSmallFft_EmptyBandsAreZeroAndNoBinIsCountedTwice()
    {
        var context = Context(Parameters(window: 64, hop: 32, fft: 64) with { BandLayout = BandLayout.Mel, MinBandFrequency = 0, MaxBandFrequency = 24000 });
        var frame = Frames(Noise(64, seed: 2), context)[0];

        var values = frame.Compute(Computer("spectrum.bands512", context));

        Assert.Multiple(() =>
        {
            Assert.That(values, Has.Length.EqualTo(512));
            Assert.That(values.Count(v => v == 0f), Is.GreaterThanOrEqualTo(512 - 33), "33 bins fill at most 33 bands");
            Assert.That(values.Sum(v => (double)v), Is.EqualTo(frame.Power.Sum()).Within(1e-5 * frame.Power.Sum()));
        });
    }

    [Test]
    public void Bands_NyquistTone_IsInTheLastBandWhenTheRangeReachesNyquist()
    {
        var context = Context(Parameters() with { MinBandFrequency = 100, MaxBandFrequency = 96000 });
        var nyquistTone = Enumerable.Range(0, 2048).Select(n => n % 2 == 0 ? 0.5 : -0.5).ToArray();

        var values = RunOne("spectrum.bands4", context, nyquistTone);

        Assert.That(values[3], Is.GreaterThan(0.1f));
    }

    [Test]
    public void Bands_RangeAboveNyquist_AllBandsAreZero()
    {
        var context = Context(Parameters() with { MinBandFrequency = 30000, MaxBandFrequency = 40000 });

        var values = RunOne("spectrum.bands8", context, Noise(2048, seed: 4));

        Assert.That(values, Has.All.EqualTo(0f));
    }

    [TestCase("spectrum.bands0")]
    [TestCase("spectrum.bands513")]
    [TestCase("spectrum.bands032")]
    [TestCase("spectrum.bands")]
    public void Bands_CountOutsideOneTo512_IsUnknown(string name)
    {
        var calculator = BuiltInCalculators.All.Single(c => c.Id == "bands");
        var id = DescriptorId.Parse(name);

        Assert.Multiple(() =>
        {
            Assert.That(DescriptorCatalog.Default.TryGetDefinition(id, out _), Is.False);
            var ex = Assert.Throws<ArgumentException>(() => calculator.CreateComputer(id, Context()));
            Assert.That(ex!.Message, Does.Contain($"'{name}'"));
        });
    }

    [TestCase(1)]
    [TestCase(512)]
    public void Bands_CountAtLimits_HasThatManyValues(int count)
    {
        Assert.That(Computer($"spectrum.bands{count}", Context()).ValuesPerFrame, Is.EqualTo(count));
    }

    [Test]
    public void Bands_RandomFramesAndCounts_AreNonNegativeAndAtMostTheTotalPower()
    {
        var window = HannWindow(256);
        Gen.Select(Gen.Float[-1f, 1f].Array[256], Gen.Int[1, 512], Gen.Enum<BandLayout>()).Sample((samples, count, layout) =>
        {
            var context = Context(Parameters(256, 64, 256) with { BandLayout = layout, MinBandFrequency = 0 });
            var frame = new TestFrame(0, samples, samples[..64], Magnitudes(samples, window, 256));
            var bands = frame.Compute(Computer($"spectrum.bands{count}", context));
            var total = frame.PowerF.Sum(p => (double)p);
            return bands.Length == count && bands.All(b => b >= 0) && bands.Sum(b => (double)b) <= total * (1 + 1e-6);
        });
    }

    private static IDescriptorFrameComputer Computer(string descriptor, AnalysisContext context) =>
        BuiltInCalculators.All.Single(c => c.Id == "bands").CreateComputer(DescriptorId.Parse(descriptor), context);

    // The documented edges, written independently: log or HTK-mel spacing between lo and min(max, Nyquist).
    private static double[] OracleEdges(AnalysisContext context, int count)
    {
        var p = context.Parameters;
        var hi = Math.Min(p.MaxBandFrequency, SampleRate / 2.0);
        if (p.BandLayout == BandLayout.Mel)
        {
            static double Mel(double f) => 2595 * Math.Log10(1 + (f / 700));
            static double Hz(double m) => 700 * (Math.Pow(10, m / 2595) - 1);
            var a = Mel(p.MinBandFrequency);
            var b = Mel(hi);
            return [.. Enumerable.Range(0, count + 1).Select(i => Hz(a + ((b - a) * i / count)))];
        }

        var lo = Math.Max(p.MinBandFrequency, BinWidth(context) / 2);
        return [.. Enumerable.Range(0, count + 1).Select(i => lo * Math.Pow(hi / lo, (double)i / count))];
    }

    private static double[] OracleBands(double[] power, AnalysisContext context, int count)
    {
        var edges = OracleEdges(context, count);
        var df = BinWidth(context);
        var bands = new double[count];
        for (var j = 0; j < power.Length; j++)
        {
            for (var b = 0; b < count; b++)
            {
                var start = Math.Round(edges[b] / df, MidpointRounding.AwayFromZero);
                var end = b == count - 1 && edges[count] >= SampleRate / 2.0 ? power.Length : Math.Round(edges[b + 1] / df, MidpointRounding.AwayFromZero);
                if (j >= start && j < end)
                {
                    bands[b] += power[j];
                }
            }
        }

        return bands;
    }
}
