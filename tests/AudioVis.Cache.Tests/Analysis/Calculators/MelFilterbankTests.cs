using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Calculators;
using AudioVis.Cache.Profiles;

namespace AudioVis.Cache.Tests.Analysis.Calculators;

public class MelFilterbankTests
{
    private static IEnumerable<TestCaseData> Profiles()
    {
        yield return new TestCaseData(44100, AnalysisParameters.Default.FftSize).SetArgDisplayNames("default profile, 44.1 kHz");
        yield return new TestCaseData(48000, 2048);
        yield return new TestCaseData(44100, 1024);
        yield return new TestCaseData(16000, 512).SetArgDisplayNames("16 kHz, 512 (top edge clamped to Nyquist)");
        yield return new TestCaseData(8000, 64).SetArgDisplayNames("8 kHz, 64 (bands with no bin)");
    }

    // Issue #9 item 8: band 5 of the default profile (44.1 kHz, FFT 2048) lies over f_5/Δf ≈ 13.32 … f_7/Δf ≈ 20.07, so
    // Essentia's MelBands (TriangularBands) sums bins 14…20; the round-half-up rule took 13…19 and lost bin 20.
    [Test]
    public void Create_DefaultProfileBand5_SpansBins14To20LikeEssentia()
    {
        var filterbank = Mfcc(new AnalysisContext(44100, AnalysisProfile.Default.Parameters));

        Assert.Multiple(() =>
        {
            Assert.That(filterbank.StartOf(5), Is.EqualTo(14));
            Assert.That(filterbank.StartOf(5) + filterbank.WeightsOf(5).Count - 1, Is.EqualTo(20));
            Assert.That(filterbank.WeightsOf(5)[^1], Is.GreaterThan(0), "bin 20 (430.7 Hz) lies inside the triangle (f_7 = 432.2 Hz)");
        });
    }

    [TestCaseSource(nameof(Profiles))]
    public void Create_MfccBands_SpanTheBinsInsideEachTriangle(int sampleRate, int fftSize)
    {
        var context = new AnalysisContext(sampleRate, new AnalysisParameters { WindowSize = fftSize, HopSize = fftSize / 4, FftSize = fftSize });
        var filterbank = Mfcc(context);
        var expected = ExpectedRanges(sampleRate, fftSize);

        Assert.Multiple(() =>
        {
            for (var b = 0; b < 40; b++)
            {
                var (first, last) = expected[b];
                var count = filterbank.WeightsOf(b).Count;
                Assert.That(count, Is.EqualTo(Math.Max(last - first + 1, 0)), $"band {b}: bins {first}…{last}");
                if (count > 0)
                {
                    Assert.That(filterbank.StartOf(b), Is.EqualTo(first), $"band {b}: first bin");
                }
            }
        });
    }

    [TestCaseSource(nameof(Profiles))]
    public void Create_MfccBands_WeighEachBinByTheTriangleAtItsFrequencyWithUnitSum(int sampleRate, int fftSize)
    {
        var context = new AnalysisContext(sampleRate, new AnalysisParameters { WindowSize = fftSize, HopSize = fftSize / 4, FftSize = fftSize });
        var filterbank = Mfcc(context);
        var f = Edges(sampleRate);
        var df = (double)sampleRate / fftSize;

        Assert.Multiple(() =>
        {
            for (var b = 0; b < 40; b++)
            {
                var start = filterbank.StartOf(b);
                var weights = filterbank.WeightsOf(b);
                var triangle = Enumerable.Range(start, weights.Count).Select(j => Triangle(j * df, f[b], f[b + 1], f[b + 2])).ToArray();
                var sum = triangle.Sum();
                var expected = sum > 0 ? triangle.Select(w => w / sum).ToArray() : triangle;
                Assert.That(weights, Is.EqualTo(expected).Within(1e-12).AsCollection, $"band {b}");
            }
        });
    }

    private static MelFilterbank Mfcc(AnalysisContext context) =>
        MelFilterbank.Create(context, MfccCalculator.Bands, MfccCalculator.LowFrequency, Math.Min(MfccCalculator.HighFrequency, context.NyquistHz));

    private static double Mel(double hz) => 2595 * Math.Log10(1 + (hz / 700));

    private static double Hz(double mel) => 700 * (Math.Pow(10, mel / 2595) - 1);

    // Essentia MFCC defaults: 40 bands, 42 edges equidistant in HTK mel from 0 Hz to min(11 kHz, Nyquist).
    private static double[] Edges(int sampleRate)
    {
        var step = Mel(Math.Min(11000, sampleRate / 2.0)) / 41;
        return [.. Enumerable.Range(0, 42).Select(i => Hz(i * step))];
    }

    // Essentia TriangularBands: band b holds every bin inside its triangle, ceil(f_b/Δf) ≤ j ≤ floor(f_{b+2}/Δf) (never past Nyquist).
    private static (int First, int Last)[] ExpectedRanges(int sampleRate, int fftSize)
    {
        var f = Edges(sampleRate);
        var df = (double)sampleRate / fftSize;
        return [.. Enumerable.Range(0, 40).Select(b => ((int)Math.Ceiling(f[b] / df), Math.Min((int)Math.Floor(f[b + 2] / df), fftSize / 2)))];
    }

    // Linear in mel: rising below the centre, falling from it; 0 outside [lo, hi].
    private static double Triangle(double hz, double lo, double centre, double hi) =>
        hz < lo || hz > hi ? 0 : hz < centre ? (Mel(hz) - Mel(lo)) / (Mel(centre) - Mel(lo)) : (Mel(hi) - Mel(hz)) / (Mel(hi) - Mel(centre));
}
