using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Calculators;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using TempFolder = AudioVis.Cache.Tests.Analysis.AudioAnalyzerTests.TempFolder;

namespace AudioVis.Cache.Tests.Analysis;

/// <summary>The analyzer with a compact <see cref="AnalysisParameters.SpectrumEncoding"/> (issue #10).</summary>
public sealed class AudioAnalyzerEncodingTests
{
    private static readonly DescriptorId[] Descriptors = [.. new[] { "spectrum@L", "spectrum.db@L", "spectrum.bands32@L", "rms@L", "mfcc@L" }.Select(DescriptorId.Parse)];

    // 1.5 s of the stereo golden signal, default profile: 126 frames of 1025 bins (spectrum, spectrum.db) and 32 bands. Bytes
    // of spectrum@L, spectrum.db@L, spectrum.bands32@L under profiles "enc-float32", "enc-float16", "enc-decibels16",
    // "enc-decibels8", measured once; each is 8 + F·V·b + 16·C + H + 32 (two checked below). Under float16 the bands stay float32.
    private static readonly Dictionary<SpectrumEncoding, (long Spectrum, long Decibels, long Bands)> Sizes = new()
    {
        [SpectrumEncoding.Float32] = (517_098, 517_101, 16_503),
        [SpectrumEncoding.Float16] = (258_760, 258_763, 16_529),
        [SpectrumEncoding.Decibels16] = (258_778, 258_781, 8_483),
        [SpectrumEncoding.Decibels8] = (129_578, 129_581, 4_449),
    };

    public static IEnumerable<SpectrumEncoding> AllEncodings() => Enum.GetValues<SpectrumEncoding>();

    [TestCaseSource(nameof(AllEncodings))]
    public async Task AnalyzeAsync_Encoding_FileAndMemoryStoresReturnTheSameFloats_WithTheDocumentedHeaders(SpectrumEncoding encoding)
    {
        var profile = new AnalysisProfile("enc", AnalysisParameters.Default with { SpectrumEncoding = encoding });
        using var folder = new TempFolder();
        var files = new FileSystemFeatureStore(folder.Path);
        var memory = new InMemoryFeatureStore();
        var request = new AnalysisRequest(profile, "stereo", Descriptors);
        await Analyzer(files).AnalyzeAsync(request, null);
        await Analyzer(memory).AnalyzeAsync(request, null);

        await Assert.MultipleAsync(async () =>
        {
            foreach (var descriptor in Descriptors)
            {
                var fromFile = (await files.ReadAsync(request.Key, descriptor))!;
                var fromMemory = (await memory.ReadAsync(request.Key, descriptor))!;
                using var reader = (await files.OpenReaderAsync(request.Key, descriptor))!;
                var mapped = new float[fromFile.Header.ValueCount];
                reader.ReadFrames(0, mapped);
                Assert.That(Bits(fromFile.Values.ToArray()), Is.EqualTo(Bits(fromMemory.Values.ToArray())), $"{descriptor}: file = memory");
                Assert.That(Bits(mapped), Is.EqualTo(Bits(fromMemory.Values.ToArray())), $"{descriptor}: mapped = memory");
                Assert.That(fromFile.Header, Is.EqualTo(fromMemory.Header), $"{descriptor}: headers");
                Assert.That(fromFile.Header.Encoding, Is.EqualTo(SpectrumValueEncodings.For(CalculatorOf(descriptor), descriptor.Name, profile.Parameters)));
            }

            Assert.That((await files.ReadAsync(request.Key, Descriptors[3]))!.Header.Encoding, Is.SameAs(FeatureValueEncoding.Float32), "rms is always float32");
            Assert.That((await files.ReadAsync(request.Key, Descriptors[4]))!.Header.Encoding, Is.SameAs(FeatureValueEncoding.Float32), "mfcc is always float32");
        });
    }

    [Test]
    public void SpectrumValueEncodings_ForTheDefaultProfile_AreTheDocumentedRanges()
    {
        var db8 = AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Decibels8 };
        var f16 = AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Float16 };

        using (Assert.EnterMultipleScope())
        {
            Assert.That(SpectrumValueEncodings.For("spectrum", "spectrum.db", db8), Is.EqualTo(FeatureValueEncoding.Decibels(FeatureEncodingKind.Decibels8, FeatureLevelScale.Decibels, -100, 0)));
            var spectrum = SpectrumValueEncodings.For("spectrum", "spectrum", db8);
            Assert.That((spectrum.Scale, spectrum.Low, spectrum.High), Is.EqualTo((FeatureLevelScale.Amplitude, -120 + (20 * Math.Log10(2)), 20 * Math.Log10(2))));
            var bands = SpectrumValueEncodings.For("bands", "spectrum.bands32", db8);
            Assert.That(bands.Scale, Is.EqualTo(FeatureLevelScale.Power));
            Assert.That(bands.High, Is.EqualTo(10 * Math.Log10(2048 * 6.0 / 2047)).Within(0.01), "Parseval: N·Σw², Σw² of a Hann window summing to 2 ≈ 6/(W−1)");
            Assert.That(bands.High - bands.Low, Is.EqualTo(120), "a fixed span below the largest level, whatever the profile's dB range");
            var otherRange = SpectrumValueEncodings.For("spectrum", "spectrum", db8 with { MinDecibels = -60, MaxDecibels = -10 });
            Assert.That(otherRange, Is.EqualTo(spectrum), "spectrum's codes do not depend on the profile's dB range");
            Assert.That(SpectrumValueEncodings.For("bands", "spectrum.bands32", f16), Is.SameAs(FeatureValueEncoding.Float32), "band powers can exceed the float16 range");
            Assert.That(SpectrumValueEncodings.For("spectrum", "spectrum", f16), Is.SameAs(FeatureValueEncoding.Float16));
            Assert.That(SpectrumValueEncodings.For("time", "rms", db8), Is.SameAs(FeatureValueEncoding.Float32));
        }
    }

    // The level bound holds for the analyzer's own values: each quantised spectrum value against the float32 analysis.
    [TestCase(SpectrumEncoding.Decibels8)]
    [TestCase(SpectrumEncoding.Decibels16)]
    [TestCase(SpectrumEncoding.Float16)]
    public async Task AnalyzeAsync_Encoding_EveryValueWithinTheBoundOfTheFloat32Analysis(SpectrumEncoding encoding)
    {
        var exact = new InMemoryFeatureStore();
        var compact = new InMemoryFeatureStore();
        var parameters = AnalysisParameters.Default with { SpectrumEncoding = encoding };
        await Analyzer(exact).AnalyzeAsync(new AnalysisRequest(new AnalysisProfile("enc", AnalysisParameters.Default), "stereo", Descriptors), null);
        await Analyzer(compact).AnalyzeAsync(new AnalysisRequest(new AnalysisProfile("enc", parameters), "stereo", Descriptors), null);
        var key = new CacheKey("stereo", "enc");

        await Assert.MultipleAsync(async () =>
        {
            foreach (var descriptor in Descriptors.Take(3))
            {
                var reference = (await exact.ReadAsync(key, descriptor))!.Values.ToArray();
                var stored = (await compact.ReadAsync(key, descriptor))!;
                var values = stored.Values.ToArray();
                var e = stored.Header.Encoding;
                var kind = descriptor.Name == "spectrum" ? 20 : descriptor.Name == "spectrum.db" ? 0 : 10;
                var worst = 0.0;
                for (var i = 0; i < values.Length; i++)
                {
                    if (e.Kind == FeatureEncodingKind.Float32)
                    {
                        Assert.That(values[i], Is.EqualTo(reference[i]));
                    }
                    else if (e.Kind == FeatureEncodingKind.Float16)
                    {
                        Assert.That(Math.Abs(values[i] - reference[i]), Is.LessThanOrEqualTo(Math.Max(Math.ScaleB(Math.Abs(reference[i]), -11), Math.ScaleB(1, -25))));
                    }
                    else
                    {
                        var level = kind == 0 ? reference[i] : kind * Math.Log10(reference[i]);
                        var decoded = kind == 0 ? values[i] : kind * Math.Log10(values[i]);
                        var expected = Math.Clamp(double.IsNaN(level) ? e.Low : level, e.Low, e.High);
                        worst = Math.Max(worst, Math.Abs(decoded - expected));
                    }
                }

                Assert.That(worst, Is.LessThanOrEqualTo((e.Step / 2) + 4e-5), $"{descriptor}: worst level error {worst} dB");
            }
        });
    }

    [Test]
    public async Task AnalyzeAsync_Decibels8_SpectrumFilesAreAboutAQuarterOfFloat32_ExactByteCounts()
    {
        using var folder = new TempFolder();
        var files = new FileSystemFeatureStore(folder.Path);
        var sizes = new Dictionary<SpectrumEncoding, long[]>();
        foreach (var encoding in AllEncodings())
        {
            var profile = new AnalysisProfile($"enc-{encoding}".ToLowerInvariant(), AnalysisParameters.Default with { SpectrumEncoding = encoding });
            var request = new AnalysisRequest(profile, "stereo", Descriptors);
            await Analyzer(files).AnalyzeAsync(request, null);
            sizes[encoding] = [.. Descriptors.Take(3).Select(d => new FileInfo(files.GetBlobPath(request.Key, d)).Length)];
        }

        using (Assert.EnterMultipleScope())
        {
            foreach (var (encoding, expected) in Sizes)
            {
                Assert.That(sizes[encoding], Is.EqualTo(new[] { expected.Spectrum, expected.Decibels, expected.Bands }), encoding.ToString());
            }

            // 126 frames × 1025 bins: 516,600 bytes of float32 values in 9 chunks of 15 frames, 129,150 bytes of 8-bit codes in 2
            // chunks of 63; the dB8 header is 42 bytes longer (its profile id, the spectrum_encoding line, low, high and scale).
            Assert.That(Sizes[SpectrumEncoding.Float32].Spectrum, Is.EqualTo(8 + (126 * 1025 * 4) + (9 * 16) + 314 + 32));
            Assert.That(Sizes[SpectrumEncoding.Decibels8].Spectrum, Is.EqualTo(8 + (126 * 1025) + (2 * 16) + 356 + 32));
            Assert.That((double)sizes[SpectrumEncoding.Decibels8][0] / sizes[SpectrumEncoding.Float32][0], Is.InRange(0.25, 0.252));
        }
    }

    [Test]
    public async Task AnalyzeAsync_Decibels8Twice_WritesIdenticalBytes()
    {
        var profile = new AnalysisProfile("enc", AnalysisParameters.Default with { SpectrumEncoding = SpectrumEncoding.Decibels8 });
        var first = new InMemoryFeatureStore();
        var second = new InMemoryFeatureStore();
        var request = new AnalysisRequest(profile, "stereo", Descriptors);
        await Analyzer(first).AnalyzeAsync(request, null);
        await Analyzer(second).AnalyzeAsync(request, null);

        Assert.That(Descriptors.Select(d => second.GetStoredBytes(request.Key, d)), Is.EqualTo(Descriptors.Select(d => first.GetStoredBytes(request.Key, d))));
    }

    private static string CalculatorOf(DescriptorId descriptor) => descriptor.Name switch
    {
        "spectrum" or "spectrum.db" => "spectrum",
        "spectrum.bands32" => "bands",
        "rms" => "time",
        _ => "mfcc",
    };

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private static AudioAnalyzer Analyzer(IFeatureStore features) =>
        new(new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source), features, new InMemoryCacheMetadataStore(), new AnalyzerGolden.FixedTimeProvider(AnalyzerGolden.AnalyzedAt), CalculatorRegistry.BuiltIn);
}
