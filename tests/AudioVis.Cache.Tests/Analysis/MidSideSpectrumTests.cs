using AudioVis.Cache.Analysis;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using AudioVis.Cache.Tests.Analysis.Calculators;

namespace AudioVis.Cache.Tests.Analysis;

/// <summary>
/// Mid and side spectra of a source with two or more channels are (X_L ± X_R)/2 of the L and R spectra, whatever else the
/// request holds; a mono source is dual mono.
/// </summary>
public sealed class MidSideSpectrumTests
{
    private const int Bins = 1025;

    private Dictionary<DescriptorId, byte[]> _fullStereo = null!;

    [OneTimeSetUp]
    public async Task AnalyseTheFullRequestOnce() => _fullStereo = await AnalyseAsync("stereo", AnalyzerGolden.AllDescriptors);

    public static IEnumerable<TestCaseData> PartialRequests()
    {
        yield return Case("spectrum@mid");
        yield return Case("spectrum@side");
        yield return Case("rms@mid", "spectrum.db@side");
        yield return Case("spectrum@L", "spectrum@mid");
        yield return Case("spectrum@R", "spectrum@side");
        yield return Case("spectrum@mid", "spectrum@side", "mfcc@mid", "spectral.flux@side");
        yield return Case("spectrum", "spectrum@side", "rms@L", "chroma@mid");

        static TestCaseData Case(params string[] descriptors) =>
            new TestCaseData((object)descriptors).SetArgDisplayNames(string.Join('+', descriptors));
    }

    [TestCaseSource(nameof(PartialRequests))]
    public async Task AnalyzeAsync_PartialStereoRequest_WritesTheSameBlobsAsTheFullRequest(string[] descriptors)
    {
        var partial = await AnalyseAsync("stereo", [.. descriptors.Select(DescriptorId.Parse)]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(partial.Keys, Is.EquivalentTo(descriptors.Select(DescriptorId.Parse)));
            foreach (var (descriptor, bytes) in partial)
            {
                Assert.That(bytes, Is.EqualTo(_fullStereo[descriptor]), descriptor.ToString());
            }
        }
    }

    [TestCase("spectrum@mid", 1)]
    [TestCase("spectrum@side", -1)]
    public async Task AnalyzeAsync_Stereo_MidAndSideSpectraAreTheDoublePrecisionSpectraOfHalfSumAndHalfDifference(string descriptor, int sign)
    {
        var (samples, _) = AnalyzerGolden.Signal("stereo");
        var signal = new double[AnalyzerGolden.Frames];
        for (var n = 0; n < signal.Length; n++)
        {
            signal[n] = ((double)samples[2 * n] + (sign * (double)samples[(2 * n) + 1])) / 2;
        }

        var frames = Harness.Frames(signal, Harness.Context(sampleRate: AnalyzerGolden.SampleRate));
        var values = (await ReadAsync("stereo", descriptor))[descriptor];

        Assert.That(values, Has.Length.EqualTo(frames.Count * Bins));
        Assert.That(frames, Has.Count.EqualTo(126));
        var worst = 0.0;
        var worstFrame = -1;
        foreach (var frame in frames)
        {
            var peak = frame.Magnitudes.Max();
            for (var bin = 0; bin < Bins; bin++)
            {
                var error = Math.Abs(values[(frame.Index * Bins) + bin] - frame.Magnitudes[bin]) / peak;
                if (error > worst)
                {
                    (worst, worstFrame) = (error, frame.Index);
                }
            }
        }

        Assert.That(worst, Is.LessThanOrEqualTo(1e-5), $"frame {worstFrame}");
    }

    [Test]
    public async Task AnalyzeAsync_Stereo_MidSpectrumIsCloseToTheSpectrumOfTheTimeDomainMean()
    {
        // spectrum (mono) transforms the per-sample mean (L + R)/2; spectrum@mid combines the L and R spectra. Linearity
        // makes them equal up to float rounding.
        var values = await ReadAsync("stereo", "spectrum", "spectrum@mid");
        var mono = values["spectrum"];
        var mid = values["spectrum@mid"];

        using (Assert.EnterMultipleScope())
        {
            Assert.That(mid, Has.Length.EqualTo(126 * Bins));
            for (var frame = 0; frame < mono.Length / Bins; frame++)
            {
                var peak = mono.AsSpan(frame * Bins, Bins).ToArray().Max();
                for (var bin = 0; bin < Bins; bin++)
                {
                    var i = (frame * Bins) + bin;
                    Assert.That(Math.Abs(mid[i] - mono[i]), Is.LessThanOrEqualTo(1e-5 * peak), $"frame {frame}, bin {bin}");
                }
            }
        }
    }

    [Test]
    public async Task AnalyzeAsync_MonoSource_MidIsLeftBitForBitAndSideIsSilent()
    {
        var values = await ReadAsync("sine", "spectrum@L", "spectrum@mid", "spectrum@side", "spectrum.db@side", "rms@side");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(values["spectrum@L"], Has.Length.EqualTo(126 * Bins));
            Assert.That(values["spectrum@L"].Max(), Is.GreaterThan(0.1f), "the 0.5 sine shows in the spectrum");
            Assert.That(Bits(values["spectrum@mid"]), Is.EqualTo(Bits(values["spectrum@L"])));
            Assert.That(Bits(values["spectrum@side"]), Has.Length.EqualTo(126 * Bins).And.All.Zero, "+0 in every bin");
            Assert.That(values["spectrum.db@side"], Has.Length.EqualTo(126 * Bins).And.All.EqualTo(-100f), "silence is the profile's floor");
            Assert.That(values["rms@side"], Has.Length.EqualTo(126).And.All.Zero);
        }
    }

    [Test]
    public async Task AnalyzeAsync_MonoSourceMidAlone_GivesTheSameBlobAsInTheFullRequest()
    {
        var full = await AnalyseAsync("sine", AnalyzerGolden.AllDescriptors);
        var mid = DescriptorId.Parse("spectrum@mid");
        var side = DescriptorId.Parse("spectrum@side");

        var partial = await AnalyseAsync("sine", [mid, side]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(partial[mid], Is.EqualTo(full[mid]));
            Assert.That(partial[side], Is.EqualTo(full[side]));
        }
    }

    private static async Task<Dictionary<DescriptorId, byte[]>> AnalyseAsync(string signal, IReadOnlyCollection<DescriptorId> descriptors)
    {
        var features = new InMemoryFeatureStore();
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source),
            features,
            new InMemoryCacheMetadataStore(),
            new AnalyzerGolden.FixedTimeProvider(AnalyzerGolden.AnalyzedAt),
            CalculatorRegistry.BuiltIn);
        var request = new AnalysisRequest(AnalysisProfile.Default, signal, descriptors);
        await analyzer.AnalyzeAsync(request, null);
        return request.Descriptors.ToDictionary(d => d, d => features.GetStoredBytes(request.Key, d)!);
    }

    private static async Task<Dictionary<string, float[]>> ReadAsync(string signal, params string[] descriptors)
    {
        var features = new InMemoryFeatureStore();
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source),
            features,
            new InMemoryCacheMetadataStore(),
            new AnalyzerGolden.FixedTimeProvider(AnalyzerGolden.AnalyzedAt),
            CalculatorRegistry.BuiltIn);
        var request = new AnalysisRequest(AnalysisProfile.Default, signal, [.. descriptors.Select(DescriptorId.Parse)]);
        await analyzer.AnalyzeAsync(request, null);
        var values = new Dictionary<string, float[]>();
        foreach (var descriptor in descriptors)
        {
            var blob = await features.ReadAsync(request.Key, DescriptorId.Parse(descriptor));
            values[descriptor] = blob!.Values.ToArray();
        }

        return values;
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
