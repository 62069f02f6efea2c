using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Diffing;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using NAudio.Wave;

namespace AudioVis.Cache.Tests.Analysis;

public sealed class AudioAnalyzerTests
{
    // SHA-256 over the lines "descriptor=SHA-256 of the blob's stored bytes" of all 70 blobs (14 v1 descriptors × mono, L, R,
    // mid, side) of each generated signal, default profile, analysed at AnalyzerGolden.AnalyzedAt (the blobs carry the
    // parameters and that time). Computed once; a change means the blob bytes changed. Recomputed for format version 3
    // (issue #10) only after GoldenV2 below confirmed that the values and headers did not change.
    internal static readonly IReadOnlyDictionary<string, string> Golden = new Dictionary<string, string>
    {
        ["sine"] = "f760cf80f16f06ebd8c9fc3d51f2120c931b3cf4d352e3705123143d3fe1be3e",
        ["sweep"] = "12c2d4daec151b20fefa27da87936ddf1793aaf95e135c5456c1c9c9a8ea36f8",
        ["noise"] = "22ad58aa599d0685382adad86212e5db5c9a1d09b0cf8dbc4ccbac3bd1294fe6",
        ["clicks"] = "6ec5576527e860e92fe3843c150eed0bc93c48813bf7ac945c246671628300cd",
        ["stereo"] = "9a3f0bce4e6e8c55cddf0cf26e7b6c2877e3ac3c1ed49af07ebcd031af73ffd0",
    };

    // The same hashes over the blobs encoded in format version 2, as first computed before format version 3: unchanged,
    // these pin the analyzer's values and headers across the change of stored format.
    internal static readonly IReadOnlyDictionary<string, string> GoldenV2 = new Dictionary<string, string>
    {
        ["sine"] = "5f5bb55a5b3e6c13423176f316f7e546f2d5e0a72127b74a85d7c4003b328d24",
        ["sweep"] = "f1dec58911007f6bb3c08ff04c7e3f2a76eed93b9cde98becee61b3b3efe3941",
        ["noise"] = "e9b407e3e7c7f8ca40e6db5118d0d1a30eb3632095a7f076076ef67ab4aba1f4",
        ["clicks"] = "ba729dba9fdcdaa78ec9f568a00956d4bdd61bd5ed3dbba31d39a6bfbaaffc31",
        ["stereo"] = "d807464cecb74e05990496e9aae4d943a42f777e776b3b8eaffde244da1490c0",
    };

    private static readonly DescriptorId[] All = [.. AnalyzerGolden.AllDescriptors];

    private static IEnumerable<string> SignalNames() => AnalyzerGolden.Names;

    [TestCaseSource(nameof(SignalNames))]
    public void AnalyzeAsync_GeneratedSignal_BlobsMatchGoldenHash(string signal)
    {
        var hashes = AnalyzerGolden.BlobHashes(signal);

        Assert.Multiple(() =>
        {
            Assert.That(hashes, Has.Count.EqualTo(70));
            Assert.That(AnalyzerGolden.CombinedHash(hashes), Is.EqualTo(Golden[signal]), () => string.Join('\n', hashes.Select(h => $"{h.Descriptor}={h.Hash}")));
        });
    }

    [TestCaseSource(nameof(SignalNames))]
    public void AnalyzeAsync_GeneratedSignal_BlobsEncodedInVersion2_MatchTheVersion2Golden(string signal)
    {
        var hashes = AnalyzerGolden.BlobV2Hashes(signal);

        Assert.That(AnalyzerGolden.CombinedHash(hashes), Is.EqualTo(GoldenV2[signal]));
    }

    [Test]
    public void AnalyzeAsync_StereoWavFile_GivesTheSameBlobsAsThePcm()
    {
        using var folder = new TempFolder();
        var (samples, channels) = AnalyzerGolden.Signal("stereo");
        using (var writer = new WaveFileWriter(Path.Combine(folder.Path, "stereo"), WaveFormat.CreateIeeeFloatWaveFormat(AnalyzerGolden.SampleRate, channels)))
        {
            writer.WriteSamples(samples, 0, samples.Length);
        }

        var resolver = new FileSystemTrackAudioResolver(folder.Path);

        var hashes = AnalyzerGolden.BlobHashes("stereo", resolver.Open);

        Assert.That(AnalyzerGolden.CombinedHash(hashes), Is.EqualTo(Golden["stereo"]));
    }

    [Test]
    public void AnalyzeAsync_Twice_WritesIdenticalBytes()
    {
        var first = AnalyzerGolden.BlobHashes("noise");
        var second = AnalyzerGolden.BlobHashes("noise");

        Assert.That(second, Is.EqualTo(first));
    }

    // Channels computed in parallel (and, with the 1 MiB budget, a few frames per hand-over to the store) write the bytes
    // of the one-thread analysis: the goldens.
    [TestCase("stereo", 2, AnalysisMemory.DefaultBudgetBytes)]
    [TestCase("stereo", 3, AnalysisMemory.MinBudgetBytes)]
    [TestCase("stereo", 4, AnalysisMemory.DefaultBudgetBytes)]
    [TestCase("noise", 4, AnalysisMemory.MinBudgetBytes)]
    [TestCase("clicks", 2, AnalysisMemory.MinBudgetBytes)]
    public void AnalyzeAsync_ChannelsInParallel_BlobsMatchGoldenHash(string signal, int degreeOfParallelism, long memoryBudgetBytes)
    {
        var hashes = AnalyzerGolden.BlobHashes(signal, degreeOfParallelism, memoryBudgetBytes);

        Assert.That(AnalyzerGolden.CombinedHash(hashes), Is.EqualTo(Golden[signal]));
    }

    [Test]
    public async Task AnalyzeAsync_FourConcurrentAnalysesOnFourThreads_WriteIdenticalBytes()
    {
        var expected = AnalyzerGolden.BlobHashes("stereo");
        using var start = new Barrier(4);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () =>
            {
                start.SignalAndWait();
                return AnalyzerGolden.BlobHashes("stereo");
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default)));

        Assert.That(results, Has.All.EqualTo(expected));
    }

    [Test]
    public async Task AnalyzeAsync_Sine_HeadersFollowTheFramingFormulaAndRecordsTheSource()
    {
        var harness = new AnalyzerHarness();
        var request = new AnalysisRequest(AnalysisProfile.Default, "sine", [.. All]);
        string contentHash;
        using (var source = AnalyzerGolden.Source("sine"))
        {
            contentHash = await AudioContentHasher.ComputeAsync(source);
        }

        await harness.Analyzer.AnalyzeAsync(request, null);

        // Frames run while the window fits: floor((66150 − 2048) / 512) + 1 = 126; the last 294 samples are dropped.
        const int expectedFrames = ((AnalyzerGolden.Frames - 2048) / 512) + 1;
        Assert.That(expectedFrames, Is.EqualTo(126));
        foreach (var descriptor in request.Descriptors)
        {
            var blob = (await harness.Features.ReadAsync(request.Key, descriptor))!;
            var definition = DescriptorCatalog.Default.TryGetDefinition(descriptor, out var d) ? d : null;
            Assert.Multiple(() =>
            {
                Assert.That(blob.Header.FrameCount, Is.EqualTo(expectedFrames), descriptor.ToString());
                Assert.That(blob.Header.SampleRate, Is.EqualTo(AnalyzerGolden.SampleRate));
                Assert.That(blob.Header.HopSize, Is.EqualTo(512));
                Assert.That(blob.Header.WindowSize, Is.EqualTo(2048));
                Assert.That(blob.Header.SourceContentHash, Is.EqualTo(contentHash));
                Assert.That(blob.Header.ProfileRevisionHash, Is.EqualTo(AnalysisProfile.Default.RevisionHash));
                Assert.That(blob.Header.CalculatorId, Is.EqualTo(definition!.CalculatorId));
                Assert.That(blob.Header.CalculatorVersion, Is.EqualTo(definition.CalculatorVersion));
            });
        }
    }

    [Test]
    public async Task AnalyzeAsync_Sine_RmsPeakAndCentroidAgreeWithTheSignal()
    {
        var harness = new AnalyzerHarness();
        var request = new AnalysisRequest(
            AnalysisProfile.Default,
            "sine",
            [DescriptorId.Parse("rms"), DescriptorId.Parse("peak"), DescriptorId.Parse("spectral.centroid@L"), DescriptorId.Parse("rms@side")]);

        await harness.Analyzer.AnalyzeAsync(request, null);

        var rms = (await harness.Features.ReadAsync(request.Key, DescriptorId.Parse("rms")))!.Values.ToArray();
        var peak = (await harness.Features.ReadAsync(request.Key, DescriptorId.Parse("peak")))!.Values.ToArray();
        var centroid = (await harness.Features.ReadAsync(request.Key, DescriptorId.Parse("spectral.centroid@L")))!.Values.ToArray();
        var side = (await harness.Features.ReadAsync(request.Key, DescriptorId.Parse("rms@side")))!.Values.ToArray();
        var binWidth = (double)AnalyzerGolden.SampleRate / 2048;
        Assert.Multiple(() =>
        {
            // 2048 samples hold 46.4 periods of 1 kHz, so the frame's mean square is A²/2 within 0.2 %.
            Assert.That(rms, Has.All.EqualTo(0.5 / Math.Sqrt(2)).Within(0.5).Percent);
            Assert.That(peak, Has.All.EqualTo(0.5).Within(0.001));
            Assert.That(centroid, Has.All.EqualTo(1000.0).Within(binWidth));
            Assert.That(side, Has.All.Zero, "a mono track is dual mono, so its side channel is silent");
        });
    }

    [Test]
    public async Task AnalyzeAsync_Stereo_WritesOneRecordPerDescriptorAfterItsBlob()
    {
        var harness = new AnalyzerHarness();
        var request = new AnalysisRequest(AnalysisProfile.Default, "stereo", [.. All]);
        string contentHash;
        using (var source = AnalyzerGolden.Source("stereo"))
        {
            contentHash = await AudioContentHasher.ComputeAsync(source);
        }

        var records = await harness.Analyzer.AnalyzeAsync(request, null);

        var stored = await harness.Metadata.GetRecordsAsync(request.Key);
        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r.Descriptor), Is.EqualTo(request.Descriptors));
            Assert.That(stored, Is.EqualTo(records));
            Assert.That(harness.Metadata.UpsertCount, Is.EqualTo(1));
            Assert.That(harness.Metadata.Violations, Is.Empty);
            foreach (var record in records)
            {
                Assert.That(DescriptorCatalog.Default.TryGetDefinition(record.Descriptor, out var definition), Is.True);
                Assert.That(record.Parameters, Is.EqualTo(AnalysisProfile.Default.Parameters));
                Assert.That(record.ProfileRevisionHash, Is.EqualTo(AnalysisProfile.Default.RevisionHash));
                Assert.That(record.SourceContentHash, Is.EqualTo(contentHash));
                Assert.That(record.CalculatorId, Is.EqualTo(definition!.CalculatorId));
                Assert.That(record.CalculatorVersion, Is.EqualTo(definition.CalculatorVersion));
                Assert.That(record.AnalyzedAt, Is.EqualTo(harness.Time.GetUtcNow()));
            }
        });
    }

    [Test]
    public async Task AnalyzeAsync_Stereo_LeftAndRightDifferAndMidSideFollowFromThem()
    {
        var harness = new AnalyzerHarness();
        var request = new AnalysisRequest(AnalysisProfile.Default, "stereo", [.. new[] { "peak@L", "peak@R", "waveform.minmax@mid", "waveform.minmax@side" }.Select(DescriptorId.Parse)]);

        await harness.Analyzer.AnalyzeAsync(request, null);

        async Task<float[]> Values(string id) => (await harness.Features.ReadAsync(request.Key, DescriptorId.Parse(id)))!.Values.ToArray();
        var left = await Values("peak@L");
        var right = await Values("peak@R");
        var mid = await Values("waveform.minmax@mid");
        var side = await Values("waveform.minmax@side");
        Assert.Multiple(() =>
        {
            Assert.That(left, Has.All.EqualTo(0.5).Within(0.001), "L is the 0.5 sine");
            Assert.That(right, Has.All.LessThanOrEqualTo(0.125f), "R is noise of amplitude 0.125");
            Assert.That(mid.Zip(side).Select(p => p.First != p.Second), Has.Some.True);
        });
    }

    [Test]
    public async Task AnalyzeAsync_Progress_RisesToOneAndNamesEveryDescriptorWhileWriting()
    {
        var harness = new AnalyzerHarness();
        var request = new AnalysisRequest(AnalysisProfile.Default, "sweep", [DescriptorId.Parse("rms@L"), DescriptorId.Parse("mfcc@R")]);
        var reports = new List<AnalysisProgress>();

        await harness.Analyzer.AnalyzeAsync(request, new AnalyzerHarness.SyncProgress<AnalysisProgress>(reports.Add));

        var fractions = reports.Select(r => r.Fraction).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(fractions, Is.Ordered);
            Assert.That(fractions[0], Is.Zero);
            Assert.That(reports[^1], Is.EqualTo(new AnalysisProgress(1.0, null, TimeSpan.Zero)));
            Assert.That(reports.Count(r => r.Fraction > 0 && r.Fraction < 1), Is.GreaterThan(5));
            Assert.That(reports.Where(r => r.CurrentDescriptor is not null).Select(r => r.CurrentDescriptor), Is.EqualTo(request.Descriptors));
        });
    }

    [Test]
    public async Task AnalyzeAsync_UnknownDescriptor_ThrowsNamingItBeforeOpeningTheTrack()
    {
        var harness = new AnalyzerHarness();
        var unknown = DescriptorId.Parse("spectral.sparkle@L");
        var request = new AnalysisRequest(AnalysisProfile.Default, "sine", [DescriptorId.Parse("rms"), unknown]);

        var ex = await Assert.ThrowsAsync<UnknownDescriptorException>(async () => await harness.Analyzer.AnalyzeAsync(request, null));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.Descriptor, Is.EqualTo(unknown));
            Assert.That(ex.Key, Is.EqualTo(request.Key));
            Assert.That(ex.Message, Does.Contain("'spectral.sparkle@L'"));
            Assert.That(harness.Resolver.OpenCount, Is.Zero);
            Assert.That(await harness.SnapshotAsync(request.Key), Is.Empty);
        });
    }

    [Test]
    public async Task AnalyzeAsync_ChannelTheTrackLacks_ThrowsAudioChannelNotAvailableAndWritesNothing()
    {
        var harness = new AnalyzerHarness();
        var request = new AnalysisRequest(AnalysisProfile.Default, "stereo", [DescriptorId.Parse("rms@L"), DescriptorId.Parse("rms@ch9")]);

        var ex = await Assert.ThrowsAsync<AudioChannelNotAvailableException>(async () => await harness.Analyzer.AnalyzeAsync(request, null));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.Channel, Is.EqualTo(ChannelAlias.Numbered(9)));
            Assert.That(ex.ChannelCount, Is.EqualTo(2));
            Assert.That(await harness.SnapshotAsync(request.Key), Is.Empty);
        });
    }

    [Test]
    public async Task AnalyzeAsync_CorruptAudioFile_ThrowsAudioFormatExceptionNamingTheFileAndWritesNothing()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "broken.wav");
        await File.WriteAllBytesAsync(path, [.. "RIFF\u0010\0\0\0WAVEfmt \u00ff\u00ff"u8.ToArray(), .. new byte[40]]);
        var resolver = new FileSystemTrackAudioResolver(folder.Path);
        var harness = new AnalyzerHarness(resolver: resolver);
        var request = new AnalysisRequest(AnalysisProfile.Default, "broken.wav", [.. All]);

        var ex = await Assert.ThrowsAsync<AudioFormatException>(async () => await harness.Analyzer.AnalyzeAsync(request, null));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.SourceName, Is.EqualTo(path));
            Assert.That(ex.Message, Does.Contain(path));
            Assert.That(await harness.SnapshotAsync(request.Key), Is.Empty);
        });
    }

    [Test]
    public async Task AnalyzeAsync_CancelledMidAnalysis_ThrowsAndLeavesTheStoresAsTheyWere()
    {
        var harness = new AnalyzerHarness();
        var key = new CacheKey("stereo", AnalysisProfile.DefaultId);
        await harness.Analyzer.AnalyzeAsync(new AnalysisRequest(AnalysisProfile.Default, "stereo", [DescriptorId.Parse("rms@L")]), null);
        var before = await harness.SnapshotAsync(key);
        using var cts = new CancellationTokenSource();
        var sawMidway = false;
        var progress = new AnalyzerHarness.SyncProgress<AnalysisProgress>(p =>
        {
            if (p.Fraction is > 0.3 and < 1)
            {
                sawMidway = true;
                cts.Cancel();
            }
        });

        await Assert.CatchAsync<OperationCanceledException>(async () =>
            await harness.Analyzer.AnalyzeAsync(new AnalysisRequest(AnalysisProfile.Default, "stereo", [.. All]), progress, cts.Token));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(sawMidway, Is.True);
            Assert.That(before, Has.Count.EqualTo(2));
            Assert.That(await harness.SnapshotAsync(key), Is.EqualTo(before));
        });
    }

    [Test]
    public async Task AnalyzeAsync_BlobWriteFailsPartWay_WritesNoRecord()
    {
        var features = new FailingFeatureStore(failOnWrite: 3);
        var metadata = new InMemoryCacheMetadataStore();
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source), features, metadata, TimeProvider.System, CalculatorRegistry.BuiltIn);
        var request = new AnalysisRequest(AnalysisProfile.Default, "stereo", [.. All]);

        var ex = await Assert.ThrowsAsync<IOException>(async () => await analyzer.AnalyzeAsync(request, null));

        Assert.Multiple(async () =>
        {
            Assert.That(ex!.Message, Is.EqualTo("disk full"));
            Assert.That(await features.ListAsync(request.Key), Has.Count.EqualTo(2), "blobs written before the failure stay (each atomic)");
            Assert.That(await metadata.GetRecordsAsync(request.Key), Is.Empty);
        });
    }

    [Test]
    public async Task AnalyzeAsync_TrackShorterThanOneWindow_WritesBlobsWithZeroFrames()
    {
        var harness = new AnalyzerHarness(_ => AudioSources.FromPcm("short", 44_100, 2, new float[2 * 2047]));
        var request = new AnalysisRequest(AnalysisProfile.Default, "short", [DescriptorId.Parse("spectrum@L"), DescriptorId.Parse("rms@side")]);

        var records = await harness.Analyzer.AnalyzeAsync(request, null);

        var blob = (await harness.Features.ReadAsync(request.Key, DescriptorId.Parse("spectrum@L")))!;
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(2));
            Assert.That(blob.Header.FrameCount, Is.Zero);
            Assert.That(blob.Header.ValuesPerFrame, Is.EqualTo(1025));
            Assert.That(blob.Values.Length, Is.Zero);
        });
    }

    [Test]
    public async Task AnalyzeAsync_TrackOfExactlyOneWindow_HasOneFrame()
    {
        var harness = new AnalyzerHarness(_ => AudioSources.FromPcm("one", 44_100, 1, Enumerable.Repeat(0.25f, 2048).ToArray()));
        var request = new AnalysisRequest(AnalysisProfile.Default, "one", [DescriptorId.Parse("rms")]);

        await harness.Analyzer.AnalyzeAsync(request, null);

        var blob = (await harness.Features.ReadAsync(request.Key, DescriptorId.Parse("rms")))!;
        Assert.That(blob.Values.ToArray(), Is.EqualTo(new[] { 0.25f }));
    }

    // Regression (issue #9 item 6): a profile with TargetSampleRate 44100 failed on 48 and 96 kHz files with
    // SampleRateNotSupportedException although docs/profiles.md says the audio is resampled first.
    [TestCase(48_000)]
    [TestCase(96_000)]
    public async Task AnalyzeAsync_TargetSampleRateBelowTheTrack_ResamplesAndPutsA1kHzSineInThe1kHzBin(int trackRate)
    {
        using var folder = new TempFolder();
        var samples = new float[trackRate * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.5f * (float)Math.Sin(2 * Math.PI * 1000 * i / trackRate);
        }

        using (var writer = new WaveFileWriter(Path.Combine(folder.Path, "sine.wav"), WaveFormat.CreateIeeeFloatWaveFormat(trackRate, 1)))
        {
            writer.WriteSamples(samples, 0, samples.Length);
        }

        var harness = new AnalyzerHarness(resolver: new FileSystemTrackAudioResolver(folder.Path));
        var profile = new AnalysisProfile("resampled", AnalysisParameters.Default with { TargetSampleRate = 44_100 });
        var spectrum = DescriptorId.Parse("spectrum");
        var request = new AnalysisRequest(profile, "sine.wav", [spectrum]);

        var records = await harness.Analyzer.AnalyzeAsync(request, null);

        var blob = (await harness.Features.ReadAsync(request.Key, spectrum))!;
        var middle = blob.GetFrame(blob.Header.FrameCount / 2).ToArray();
        var peak = Array.IndexOf(middle, middle.Max());
        var expectedBin = (int)Math.Round(1000.0 * AnalysisParameters.Default.FftSize / 44_100);
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(1));
            Assert.That(blob.Header.SampleRate, Is.EqualTo(44_100));
            Assert.That(blob.Header.FrameCount, Is.EqualTo(StftPipeline.GetFrameCount(2 * 44_100, 2048, 512)));
            Assert.That(peak, Is.EqualTo(expectedBin), $"peak bin {peak}, 1 kHz at 44.1 kHz is bin {expectedBin}");
        });
    }

    [Test]
    public async Task AnalyzeAsync_Resampled_RecordsTheDecodedAudiosHashTheTargetRateAndTheResamplerInTheCalculatorId()
    {
        var harness = new AnalyzerHarness();
        var profile = new AnalysisProfile("resampled", AnalysisParameters.Default with { TargetSampleRate = 48_000 });
        var rms = DescriptorId.Parse("rms@L");
        var request = new AnalysisRequest(profile, "stereo", [rms]);

        var record = (await harness.Analyzer.AnalyzeAsync(request, null)).Single();

        var blob = (await harness.Features.ReadAsync(request.Key, rms))!;
        using var decoded = AnalyzerGolden.Source("stereo");
        var decodedHash = await AudioContentHasher.ComputeAsync(decoded);
        Assert.That(CalculatorRegistry.BuiltIn.Catalog.TryGetDefinition(rms, out var definition), Is.True);
        var olderResampler = new CacheMetadataRecord(
            record.Key, record.Descriptor, record.ProfileRevisionHash, record.Parameters, record.SourceContentHash, definition!.CalculatorId + "+resample.naudio-wdl-0.0.0.0.sinc64x32.r0", record.CalculatorVersion, record.AnalyzedAt);
        Assert.Multiple(() =>
        {
            Assert.That(record.SourceContentHash, Is.EqualTo(decodedHash), "the content hash is of the audio as decoded");
            Assert.That(blob.Header.SampleRate, Is.EqualTo(48_000));
            Assert.That(blob.Header.FrameCount, Is.EqualTo(StftPipeline.GetFrameCount(ResamplingAudioSource.GetFrameCount(AnalyzerGolden.Signal("stereo").Samples.Length / 2, 44_100, 48_000), 2048, 512)));
            Assert.That(record.CalculatorId, Is.EqualTo(definition.CalculatorId + "+" + ResamplingAudioSource.Id));
            Assert.That(CacheDiffCalculator.GetStaleReasons(request.Key, record, definition, profile, decodedHash), Is.Null, "current with today's resampler");
            Assert.That(
                CacheDiffCalculator.GetStaleReasons(request.Key, olderResampler, definition, profile, decodedHash),
                Is.EqualTo(new StaleReason[] { new CalculatorChanged(olderResampler.CalculatorId, record.CalculatorVersion, record.CalculatorId, record.CalculatorVersion) }),
                "stale after a resampler change");
        });
    }

    [Test]
    public async Task AnalyzeAsync_CancelledMidResample_ThrowsAndWritesNothing()
    {
        var harness = new AnalyzerHarness();
        var profile = new AnalysisProfile("resampled", AnalysisParameters.Default with { TargetSampleRate = 48_000 });
        using var cts = new CancellationTokenSource();
        var sawMidway = false;
        var progress = new AnalyzerHarness.SyncProgress<AnalysisProgress>(p =>
        {
            if (p.Fraction is > 0.3 and < 1)
            {
                sawMidway = true;
                cts.Cancel();
            }
        });
        var request = new AnalysisRequest(profile, "stereo", [.. All]);

        await Assert.CatchAsync<OperationCanceledException>(async () => await harness.Analyzer.AnalyzeAsync(request, progress, cts.Token));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(sawMidway, Is.True);
            Assert.That(await harness.SnapshotAsync(request.Key), Is.Empty);
        });
    }

    [Test]
    public async Task AnalyzeAsync_ResampledTrackShorterThanTheResamplersFilter_Analyses()
    {
        // 300 frames at 48 kHz: shorter than the 384-tap filter; 275 frames at 44.1 kHz, 7 frames of 64 with a hop of 32.
        var harness = new AnalyzerHarness(_ => AudioSources.FromPcm("short", 48_000, 1, Enumerable.Repeat(0.25f, 300).ToArray()));
        var profile = new AnalysisProfile("short", AnalysisParameters.Default with { TargetSampleRate = 44_100, WindowSize = 64, FftSize = 64, HopSize = 32 });
        var request = new AnalysisRequest(profile, "short", [DescriptorId.Parse("rms")]);

        await harness.Analyzer.AnalyzeAsync(request, null);

        var blob = (await harness.Features.ReadAsync(request.Key, DescriptorId.Parse("rms")))!;
        Assert.Multiple(() =>
        {
            Assert.That(blob.Header.FrameCount, Is.EqualTo(7));
            Assert.That(blob.Values.ToArray()[2..5], Is.All.EqualTo(0.25f).Within(0.01));
        });
    }

    [Test]
    public async Task AnalyzeAsync_TargetSampleRateEqualToTheTrack_Analyses()
    {
        var harness = new AnalyzerHarness();
        var profile = new AnalysisProfile("native", AnalysisParameters.Default with { TargetSampleRate = 44_100 });

        var records = await harness.Analyzer.AnalyzeAsync(new AnalysisRequest(profile, "sine", [DescriptorId.Parse("rms")]), null);

        Assert.That(records.Select(r => r.CalculatorId), Is.EqualTo(new[] { "time" }), "not resampled: the calculator id is the calculator's own");
    }

    [Test]
    public async Task AnalyzeAsync_TrackRefEscapingTheAudioRoot_ThrowsAndWritesNothing()
    {
        using var folder = new TempFolder();
        var harness = new AnalyzerHarness(resolver: new FileSystemTrackAudioResolver(folder.Path));
        var request = new AnalysisRequest(AnalysisProfile.Default, "../outside.wav", [DescriptorId.Parse("rms")]);

        var ex = await Assert.ThrowsAsync<TrackRefOutsideAudioRootException>(async () => await harness.Analyzer.AnalyzeAsync(request, null));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(ex!.TrackRef, Is.EqualTo("../outside.wav"));
            Assert.That(await harness.SnapshotAsync(request.Key), Is.Empty);
        });
    }

    /// <summary>An in-memory feature store whose n-th write throws.</summary>
    private sealed class FailingFeatureStore(int failOnWrite) : IFeatureStore
    {
        private readonly InMemoryFeatureStore _inner = new();
        private int _writes;

        public ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default) =>
            ++_writes == failOnWrite ? throw new IOException("disk full") : _inner.WriteAsync(blob, cancellationToken);

        public ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(key, descriptor, cancellationToken);

        public ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) =>
            _inner.DeleteAsync(key, descriptor, cancellationToken);

        public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default) =>
            _inner.ListAsync(key, cancellationToken);

        public IAsyncEnumerable<FeatureStoreEntry> ScanAsync(CancellationToken cancellationToken = default) => _inner.ScanAsync(cancellationToken);

        public ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default) =>
            _inner.QuarantineAsync(location, cancellationToken);
    }

    /// <summary>A temporary folder deleted on dispose.</summary>
    internal sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("audiovis-analyzer-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
