using System.Runtime.InteropServices;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Analysis.Calculators;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Tests.Analysis;
using CsCheck;

namespace AudioVis.Cache.Tests.Diffing;

/// <summary>
/// A profile edit marks a descriptor stale exactly when recomputing it gives different value bytes: every built-in
/// descriptor is analysed by the real analyzer under a random base profile and under a random edit of it, and the
/// differ's verdict on the base record is compared with the bytes.
/// </summary>
/// <remarks>
/// "Bytes differ ⇒ stale" must hold without exception. "Stale ⇒ bytes differ" holds by construction of the signal and
/// the generators for every declared dependency except three, each checked to be exactly the case named, never waved
/// through:
/// <list type="bullet">
/// <item><c>sample_rate</c>: native ↔ the track's own rate leaves the audio untouched, so the bytes are unchanged (accepted
/// only when both rates analysed are the track's); an edit to or from <see cref="ResampledRate"/> resamples and must change
/// the bytes.</item>
/// <item><c>band_layout</c>, <c>band_min_hz</c>, <c>band_max_hz</c> for <c>spectrum.bandsN</c>: an edge that moves less
/// than half a bin, or past the Nyquist frequency, leaves every band's bin range unchanged (accepted only when
/// <see cref="BandLayoutEdges.BinRanges"/> is equal under both profiles).</item>
/// <item><c>window_size</c> for <c>waveform.minmax</c>: its values are per hop, so the window only sets the frame count,
/// which some edits leave unchanged (accepted only when the frame counts are equal).</item>
/// <item><c>db_min</c>, <c>db_max</c> for <c>spectrum</c> and <c>spectrum.bandsN</c>: they set the range of the decibel
/// codes, so they are declared, but with a float encoding on both sides the values do not use them (accepted only when
/// neither profile stores decibel codes); and <c>spectrum_encoding</c> for <c>spectrum.bandsN</c> between float32 and
/// float16, under both of which bands are stored as float32 (accepted only for that pair).</item>
/// <item>Any change to a spectrum descriptor stored in a lossy encoding that the rounding hides: values that differ
/// round to the same codes (accepted only when the same edit, analysed with both sides float32, changes the bytes).</item>
/// </list>
/// <c>db_min</c> and <c>db_max</c> always change <c>spectrum.db</c> here: the signal ends with a silent stretch longer
/// than any generated window plus hop (silent bins are <c>db_min</c>), and its 1 kHz tone of amplitude 0.5 (an exact bin at 8 kHz for
/// every FFT size; the windows sum to 2, so that bin is 0.5 ± the noise there, about −6 dB) is above every generated
/// <c>db_max</c> (−30 to −10 dB).
/// </remarks>
public sealed class ParameterDependencyPropertyTests
{
    private const int SampleRate = 8000;
    private const string TrackRef = "synthetic";

    // A rate the generated profiles may ask for that differs from the track's, so the analyzer resamples.
    private const int ResampledRate = 16_000;

    // 0.5 s at 8 kHz: 2700 samples of a 1 kHz tone, a 2.5 kHz tone and broadband noise (so the tone holds less than the
    // rolloff's 85% of the power and the rolloff lands in the noise), then 1300 samples of silence.
    private static readonly float[] Signal = BuildSignal();

    private static readonly string[] BandParameters = ["band_layout", "band_min_hz", "band_max_hz", "sample_rate"];

    private static readonly string[] ParameterNames = [.. AnalysisParameters.Default.ToCanonicalPairs().Select(p => p.Key)];

    private static readonly DescriptorId[] Descriptors =
    [
        .. new[]
        {
            "rms", "peak", "zcr", "waveform.minmax", "spectrum", "spectrum.db", "spectrum.bands1", "spectrum.bands8", "spectrum.bands24",
            "spectral.centroid", "spectral.rolloff", "spectral.flux", "spectral.flatness", "onset.strength", "chroma", "mfcc",
        }.Select(DescriptorId.Parse),
    ];

    // Small sizes keep one analysis at a few milliseconds; windows up to 512 and hops up to 128 fit the silent stretch.
    private static readonly Gen<AnalysisParameters> GenParameters =
        Gen.Select(
            Gen.OneOf(64, 100, 128, 200, 256, 512),
            Gen.OneOf(16, 25, 32, 64, 100, 128),
            Gen.Int[0, 3],
            Gen.Enum<WindowFunction>(),
            Gen.Select(Gen.Int[-120, -40], Gen.Int[-30, -10]),
            Gen.Select(Gen.Enum<BandLayout>(), Gen.OneOf(0.0, 20.0, 30.0, 100.0, 700.0), Gen.OneOf(1000.0, 2500.0, 3000.0, 3999.0, 20000.0)),
            Gen.Select(Gen.Int[0, 2], Gen.Enum<SpectrumEncoding>()),
            (window, hop, extraOctaves, function, db, bands, rateAndEncoding) => new AnalysisParameters
        {
            WindowSize = window,
            HopSize = Math.Min(hop, window),
            FftSize = (int)Math.Min(AnalysisParameters.MaxFftSize, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)window) << extraOctaves),
            WindowFunction = function,
            MinDecibels = db.Item1,
            MaxDecibels = db.Item2,
            BandLayout = bands.Item1,
            MinBandFrequency = bands.Item2,
            MaxBandFrequency = bands.Item3,
            TargetSampleRate = rateAndEncoding.Item1 switch { 0 => null, 1 => SampleRate, _ => ResampledRate },
            SpectrumEncoding = rateAndEncoding.Item2,
            });

    // An edit takes one to three parameters (by canonical index) from another random profile; the result must be valid and differ.
    private static readonly Gen<(AnalysisParameters Base, AnalysisParameters Edited)> GenEdit =
        Gen.Select(GenParameters, GenParameters, Gen.Int[0, ParameterNames.Length - 1].Array[1, 3], (b, other, edited) => (b, Apply(b, other, edited)))
            .Where(e => e.Item2.GetErrors().Count == 0 && e.Item1 != e.Item2);

    [Test]
    public void ProfileEdit_StaleIfAndOnlyIfRecomputedBytesDiffer()
    {
        var totals = new Totals();
        GenEdit.Sample(
            edit => Check(edit.Base, edit.Edited, totals),
            iter: 60,
            threads: 1,
            print: e => $"base {e.Base}\nedited {e.Edited}");

        TestContext.Out.WriteLine(totals.ToString());
        Assert.That(totals.Stale, Is.GreaterThan(0), "the generator produced no stale descriptor");
    }

    // Issue #9 item 3 as a concrete edit, through the real analyzer.
    [Test]
    public void ProfileEdit_FftSize2048To4096_TimeDomainBytesUnchangedAndCurrent()
    {
        var totals = new Totals();
        var before = new AnalysisParameters { WindowSize = 2048, HopSize = 512, FftSize = 2048 };

        Check(before, before with { FftSize = 4096 }, totals);

        Assert.Multiple(() =>
        {
            Assert.That(totals.Current, Is.EqualTo(4), "rms, peak, zcr, waveform.minmax");
            Assert.That(totals.Stale, Is.EqualTo(Descriptors.Length - 4));
        });
    }

    private static void Check(AnalysisParameters before, AnalysisParameters after, Totals totals)
    {
        var records = Analyze(before, out var beforeValues);
        Analyze(after, out var afterValues);
        var profile = new AnalysisProfile("p", after);
        foreach (var record in records)
        {
            var descriptor = record.Descriptor;
            Assert.That(DescriptorCatalog.Default.TryGetDefinition(descriptor, out var definition), Is.True);
            var reasons = CacheDiffCalculator.GetStaleReasons(record.Key, record, definition!, profile, record.SourceContentHash);
            var bytesDiffer = !MemoryMarshal.AsBytes(beforeValues[descriptor].AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(afterValues[descriptor].AsSpan()));
            var dependentChanges = CacheDiffCalculator.CompareParameters(before, after)
                .Where(c => definition!.ParameterDependencies.Contains(c.Name))
                .Select(c => c.Name)
                .ToArray();
            var context = $"{descriptor}: {string.Join(", ", CacheDiffCalculator.CompareParameters(before, after))}";

            if (bytesDiffer)
            {
                Assert.That(reasons, Is.Not.Null, "bytes differ but not stale: " + context);
            }

            if (reasons is null)
            {
                Assert.That(dependentChanges, Is.Empty, context);
                totals.Current++;
                continue;
            }

            // Only profile reasons can arise here, and they name exactly the dependent changes.
            var reason = reasons.Single();
            Assert.That(reason, Is.TypeOf<ProfileParametersChanged>(), context);
            Assert.That(((ProfileParametersChanged)reason).Changes.Select(c => c.Name), Is.EqualTo(dependentChanges), context);
            totals.Stale++;
            if (bytesDiffer)
            {
                continue;
            }

            if (dependentChanges.All(n => n == "sample_rate") && AnalysedRate(before) == AnalysedRate(after))
            {
                totals.SampleRateOnly++;
            }
            else if (descriptor.Name.StartsWith(BandsCalculator.FamilyName, StringComparison.Ordinal)
                && dependentChanges.All(BandParameters.Contains)
                && SameBinRanges(descriptor.Name, before, after))
            {
                totals.SameBinRanges++;
            }
            else if (UnusedUnderFloatEncodings(descriptor.Name, before, after, dependentChanges))
            {
                totals.FloatEncoded++;
            }
            else if (HiddenByQuantisation(descriptor, before, after))
            {
                totals.HiddenByQuantisation++;
            }
            else if (descriptor.Name == "waveform.minmax"
                && dependentChanges.All(n => n is "window_size" or "sample_rate")
                && FrameCount(before) == FrameCount(after))
            {
                totals.SameFrameCount++;
            }
            else
            {
                Assert.Fail("stale but recomputing gives the same bytes: " + context);
            }
        }
    }

    private static IReadOnlyList<CacheMetadataRecord> Analyze(AnalysisParameters parameters, out Dictionary<DescriptorId, float[]> values)
    {
        var harness = new AnalyzerHarness(name => AudioSources.FromPcm(name, SampleRate, 1, Signal));
        var request = new AnalysisRequest(new AnalysisProfile("p", parameters), TrackRef, Descriptors);
        var records = harness.Analyzer.AnalyzeAsync(request, null).AsTask().GetAwaiter().GetResult();
        values = [];
        foreach (var descriptor in Descriptors)
        {
            var blob = harness.Features.ReadAsync(request.Key, descriptor).AsTask().GetAwaiter().GetResult()!;
            values[descriptor] = blob.Values.ToArray();
        }

        Assert.That(records, Has.Count.EqualTo(Descriptors.Length));
        return records;
    }

    /// <summary>
    /// Whether every change is one that <c>spectrum.bandsN</c> declares but cannot see while neither profile stores decibel
    /// codes: float32 ↔ float16 (bands are stored as float32 under both), and the cases accepted above for every descriptor.
    /// </summary>
    private static bool UnusedUnderFloatEncodings(string name, AnalysisParameters before, AnalysisParameters after, string[] changes)
    {
        var bands = name.StartsWith(BandsCalculator.FamilyName, StringComparison.Ordinal);
        return bands && !StoresDecibelCodes(before) && !StoresDecibelCodes(after) && changes.All(n => n switch
        {
            "spectrum_encoding" => true,
            "sample_rate" => AnalysedRate(before) == AnalysedRate(after),
            _ => BandParameters.Contains(n) && SameBinRanges(name, before, after),
        });

        static bool StoresDecibelCodes(AnalysisParameters p) => p.SpectrumEncoding is SpectrumEncoding.Decibels16 or SpectrumEncoding.Decibels8;
    }

    /// <summary>Whether a lossy spectrum encoding hides a real change: the same profiles with float32 spectra give different bytes.</summary>
    private static bool HiddenByQuantisation(DescriptorId descriptor, AnalysisParameters before, AnalysisParameters after)
    {
        if (before.SpectrumEncoding == SpectrumEncoding.Float32 && after.SpectrumEncoding == SpectrumEncoding.Float32)
        {
            return false;
        }

        Analyze(before with { SpectrumEncoding = SpectrumEncoding.Float32 }, out var exactBefore);
        Analyze(after with { SpectrumEncoding = SpectrumEncoding.Float32 }, out var exactAfter);
        return !MemoryMarshal.AsBytes(exactBefore[descriptor].AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(exactAfter[descriptor].AsSpan()));
    }

    private static bool SameBinRanges(string name, AnalysisParameters before, AnalysisParameters after)
    {
        var count = int.Parse(name.AsSpan(BandsCalculator.FamilyName.Length), provider: System.Globalization.CultureInfo.InvariantCulture);
        return BandLayoutEdges.BinRanges(new AnalysisContext(AnalysedRate(before), before), count)
            .SequenceEqual(BandLayoutEdges.BinRanges(new AnalysisContext(AnalysedRate(after), after), count));
    }

    private static long FrameCount(AnalysisParameters parameters) =>
        StftPipeline.GetFrameCount(ResamplingAudioSource.GetFrameCount(Signal.Length, SampleRate, AnalysedRate(parameters)), parameters.WindowSize, parameters.HopSize);

    private static int AnalysedRate(AnalysisParameters parameters) => parameters.TargetSampleRate ?? SampleRate;

    private static AnalysisParameters Apply(AnalysisParameters b, AnalysisParameters other, int[] edited)
    {
        var result = b;
        foreach (var index in edited)
        {
            result = ParameterNames[index] switch
            {
                "window_size" => result with { WindowSize = other.WindowSize },
                "hop_size" => result with { HopSize = other.HopSize },
                "fft_size" => result with { FftSize = other.FftSize },
                "window" => result with { WindowFunction = other.WindowFunction },
                "db_min" => result with { MinDecibels = other.MinDecibels },
                "db_max" => result with { MaxDecibels = other.MaxDecibels },
                "band_layout" => result with { BandLayout = other.BandLayout },
                "band_min_hz" => result with { MinBandFrequency = other.MinBandFrequency },
                "band_max_hz" => result with { MaxBandFrequency = other.MaxBandFrequency },
                "spectrum_encoding" => result with { SpectrumEncoding = other.SpectrumEncoding },
                _ => result with { TargetSampleRate = other.TargetSampleRate },
            };
        }

        return result;
    }

    private static float[] BuildSignal()
    {
        var random = new Random(20261201);
        var samples = new float[SampleRate / 2];
        for (var n = 0; n < 2700; n++)
        {
            samples[n] = (float)((0.5 * Math.Sin(2 * Math.PI * 1000 * n / SampleRate)) + (0.05 * Math.Sin(2 * Math.PI * 2500 * n / SampleRate)) + (0.8 * (random.NextDouble() - 0.5)));
        }

        return samples;
    }

    private sealed class Totals
    {
        public int Stale { get; set; }

        public int Current { get; set; }

        public int SampleRateOnly { get; set; }

        public int SameBinRanges { get; set; }

        public int SameFrameCount { get; set; }

        public int FloatEncoded { get; set; }

        public int HiddenByQuantisation { get; set; }

        public override string ToString() =>
            $"descriptor checks: {Stale} stale, {Current} current; stale with equal bytes: {SampleRateOnly} sample_rate only, {SameBinRanges} bands with equal bin ranges, {SameFrameCount} waveform.minmax with equal frame count, {FloatEncoded} spectrum or bands with a float encoding on both sides, {HiddenByQuantisation} changes hidden by a lossy encoding";
    }
}
