using System.Globalization;
using System.Security.Cryptography;
using AudioVis.Cache.Analysis;
using AudioVis.Cache.Analysis.Audio;
using AudioVis.Cache.Descriptors;
using AudioVis.Cache.FeatureCheck;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using TempFolder = AudioVis.Cache.Tests.Analysis.AudioAnalyzerTests.TempFolder;

namespace AudioVis.Cache.Tests.Analysis;

/// <summary>The analyzer streams its outputs to blob writers in frame chunks (issue #10).</summary>
public sealed class AudioAnalyzerStreamingTests
{
    /// <summary>The line prefix of AudioVis.Cache.FeatureCheck's <c>analyzer-memory</c> mode (AnalyzerMemory.Prefix there).</summary>
    private const string MemoryPrefix = "analyzer-memory: ";

    private static readonly DescriptorId[] All = [.. AnalyzerGolden.AllDescriptors];

    public static IEnumerable<TestCaseData> BudgetsAndProfiles()
    {
        // 16 bytes of budget give one frame per buffer; 224,000 bytes a few frames (not dividing the frame count); the default 32.
        var hop300 = new AnalysisProfile("hop300", AnalysisParameters.Default with { HopSize = 300 });
        foreach (var profile in new[] { AnalysisProfile.Default, hop300 })
        {
            foreach (var budget in new long[] { 16, 4 * 7 * 4 * 2000, AnalysisMemory.DefaultBudgetBytes })
            {
                yield return new TestCaseData(profile, budget).SetArgDisplayNames(profile.Id, budget.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    [TestCaseSource(nameof(BudgetsAndProfiles))]
    public async Task AnalyzeAsync_IntoTheFileStoreInChunks_StoresTheSameValuesAsTheInMemoryAnalysis(AnalysisProfile profile, long budget)
    {
        using var folder = new TempFolder();
        var files = new FileSystemFeatureStore(folder.Path);
        var streamed = Analyzer(files, budget);
        var reference = new AnalyzerHarness();
        var request = new AnalysisRequest(profile, "stereo", All);

        await streamed.AnalyzeAsync(request, null);
        await reference.Analyzer.AnalyzeAsync(request, null);

        foreach (var descriptor in request.Descriptors)
        {
            var expected = (await reference.Features.ReadAsync(request.Key, descriptor))!;
            using var reader = (await files.OpenReaderAsync(request.Key, descriptor))!;
            var values = new float[expected.Header.ValueCount];
            reader.ReadFrames(0, values);
            Assert.That(values, Is.EqualTo(expected.Values.ToArray()), $"{descriptor}");
            Assert.That(
                SHA256.HashData(await File.ReadAllBytesAsync(files.GetBlobPath(request.Key, descriptor))),
                Is.EqualTo(SHA256.HashData(reference.Features.GetStoredBytes(request.Key, descriptor)!)),
                $"{descriptor}: the same bytes whatever the buffer size");
        }

        Assert.That(Directory.GetFiles(folder.Path, "*.tmp", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task AnalyzeAsync_CancelledMidway_LeavesThePreviousBlobsAndRecordsAndNoTempFile()
    {
        using var folder = new TempFolder();
        var files = new FileSystemFeatureStore(folder.Path);
        var metadata = new InMemoryCacheMetadataStore();
        var analyzer = new AudioAnalyzer(new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source), files, metadata, TimeProvider.System, CalculatorRegistry.BuiltIn);
        var request = new AnalysisRequest(AnalysisProfile.Default, "stereo", All);
        await analyzer.AnalyzeAsync(request, null);
        var before = Snapshot(folder.Path);
        var records = await metadata.GetRecordsAsync(request.Key);
        using var cts = new CancellationTokenSource();
        var progress = new AnalyzerHarness.SyncProgress<AnalysisProgress>(p =>
        {
            if (p.Fraction > 0.5)
            {
                cts.Cancel();
            }
        });

        Assert.That(async () => await analyzer.AnalyzeAsync(request, progress, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        await analyzer.DisposeAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Snapshot(folder.Path), Is.EqualTo(before), "every blob as it was, no temporary file");
            Assert.That(await metadata.GetRecordsAsync(request.Key), Is.EqualTo(records));
        }
    }

    // Deleting a long track's temporary files can take seconds (the kernel finishes writing them back first): a cancelled
    // analysis returns as soon as it stops computing, and disposing the analyzer waits for the discarding.
    [Test]
    public async Task AnalyzeAsync_Cancelled_ReturnsBeforeItsWritersAreDiscarded_DisposeWaitsForThem()
    {
        var store = new SlowDiscardFeatureStore();
        var analyzer = new AudioAnalyzer(new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source), store, new InMemoryCacheMetadataStore(), TimeProvider.System, CalculatorRegistry.BuiltIn);
        var request = new AnalysisRequest(AnalysisProfile.Default, "stereo", All);
        using var cts = new CancellationTokenSource();
        var progress = new AnalyzerHarness.SyncProgress<AnalysisProgress>(p =>
        {
            if (p.Fraction > 0.25)
            {
                cts.Cancel();
            }
        });

        var analysis = Task.Run(async () => await analyzer.AnalyzeAsync(request, progress, cts.Token));
        try
        {
            var first = await Task.WhenAny(analysis, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.That(first, Is.SameAs(analysis), "the cancelled analysis must return while its writers are still being discarded");
        }
        finally
        {
            // Unblocks a wrong implementation that waits for the disposals, so the test fails instead of hanging.
            if (!analysis.IsCompleted)
            {
                store.Release.SetResult();
            }
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(async () => await analysis, Throws.InstanceOf<OperationCanceledException>());
            Assert.That(store.Disposed, Is.Zero, "nothing discarded yet: the store holds the first disposal");
        }

        var disposing = analyzer.DisposeAsync().AsTask();
        await Task.Delay(50);
        Assert.That(disposing.IsCompleted, Is.False, "DisposeAsync waits for the discarding");
        store.Release.SetResult();
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(store.Disposed, Is.EqualTo(store.Begun).And.EqualTo(All.Length), "every writer disposed, none committed");
    }

    [Test]
    public async Task AnalyzeAsync_SourceFailsMidway_LeavesNothingBehind()
    {
        using var folder = new TempFolder();
        var files = new FileSystemFeatureStore(folder.Path);
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(name => new FailingSource(AnalyzerGolden.Source(name), failAfterFrames: 30_000)),
            files,
            new InMemoryCacheMetadataStore(),
            TimeProvider.System,
            CalculatorRegistry.BuiltIn);

        Assert.That(
            async () => await analyzer.AnalyzeAsync(new AnalysisRequest(AnalysisProfile.Default, "stereo", All), null),
            Throws.InstanceOf<IOException>().With.Message.EqualTo("Read failed (simulated)."));
        Assert.That(Directory.Exists(folder.Path) ? Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories) : [], Is.Empty);
    }

    [Test]
    public void AnalyzeAsync_ComputerThrowsOnOneChannelWhileChannelsRunInParallel_ThrowsItsExceptionAndLeavesNothingBehind()
    {
        using var folder = new TempFolder();
        var files = new FileSystemFeatureStore(folder.Path);
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source),
            files,
            new InMemoryCacheMetadataStore(),
            TimeProvider.System,
            CalculatorRegistry.WithHostCalculators([new FailingCalculator()]),
            degreeOfParallelism: 4);
        DescriptorId[] descriptors = [.. All, DescriptorId.Parse("failing@side")];

        Assert.That(
            async () => await analyzer.AnalyzeAsync(new AnalysisRequest(AnalysisProfile.Default, "stereo", descriptors), null),
            Throws.TypeOf<InvalidOperationException>().With.Message.EqualTo("Frame 40 failed (simulated)."));
        Assert.That(Directory.Exists(folder.Path) ? Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories) : [], Is.Empty);
    }

    [Test]
    public async Task AnalyzeAsync_Progress_EstimatesTheTimeLeftFromTheTimeSoFar()
    {
        var clock = new TickingTimeProvider();
        var analyzer = new AudioAnalyzer(
            new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source), new InMemoryFeatureStore(), new InMemoryCacheMetadataStore(), clock, CalculatorRegistry.BuiltIn);
        var reports = new List<AnalysisProgress>();

        await analyzer.AnalyzeAsync(new AnalysisRequest(AnalysisProfile.Default, "sweep", [DescriptorId.Parse("rms")]), new AnalyzerHarness.SyncProgress<AnalysisProgress>(reports.Add));

        // The clock advances one second each time it is read: the k-th progress report has seen k seconds.
        var middle = reports.Where(r => r.Fraction is > 0 and < 1).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(middle, Is.Not.Empty);
            for (var k = 0; k < middle.Length; k++)
            {
                var expected = TimeSpan.FromSeconds(k + 1) * ((1 - middle[k].Fraction) / middle[k].Fraction);
                Assert.That(middle[k].EstimatedTimeLeft, Is.EqualTo(expected), $"report {k} at {middle[k].Fraction}");
            }

            Assert.That(reports[0].EstimatedTimeLeft, Is.Null, "no estimate before anything is done");
            Assert.That(reports[^1], Is.EqualTo(new AnalysisProgress(1.0, null, TimeSpan.Zero)));
        }
    }

    [Test]
    public void AnalyzeAsync_LongTrackInAChildProcess_PeakWorkingSetStaysWithinTheBudgetAndFlat()
    {
        // Mono, all 14 v1 descriptors into a file store: 30 s and 300 s (the longer one writes about 240 MB).
        var runs = new[] { "30", "300" }.Select(seconds =>
        {
            var (exitCode, output) = AudioAnalyzerSimdTests.RunFeatureCheck(string.Empty, "analyzer-memory", seconds, "1");
            Assert.That(exitCode, Is.Zero, output);
            var line = output.Split('\n').Single(l => l.StartsWith(MemoryPrefix, StringComparison.Ordinal));
            var fields = line[MemoryPrefix.Length..].Trim().Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => double.Parse(f[1], CultureInfo.InvariantCulture));
            TestContext.Out.WriteLine(line);
            return (Before: fields["before"], Peak: fields["peak"], Stored: fields["stored"]);
        }).ToArray();

        using (Assert.EnterMultipleScope())
        {
            foreach (var run in runs)
            {
                Assert.That(run.Peak - run.Before, Is.LessThanOrEqualTo(AnalysisMemory.DefaultBudgetBytes), "peak working set on top of the process");
            }

            Assert.That(runs[1].Stored, Is.GreaterThan(9 * runs[0].Stored), "ten times the track, ten times the bytes stored");
            Assert.That(runs[1].Peak - runs[0].Peak, Is.LessThan(16 * 1024 * 1024), "memory does not grow with the track");
        }
    }

    private static AudioAnalyzer Analyzer(IFeatureStore features, long budget) =>
        new(new AnalyzerGolden.DelegateTrackAudioResolver(AnalyzerGolden.Source), features, new InMemoryCacheMetadataStore(), new AnalyzerGolden.FixedTimeProvider(new DateTimeOffset(2026, 11, 25, 21, 0, 0, TimeSpan.Zero)), CalculatorRegistry.BuiltIn, budget);

    private static string[] Snapshot(string root) =>
        [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => $"{f} {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))}")];

    /// <summary>A clock that advances one second each time its timestamp is read.</summary>
    private sealed class TickingTimeProvider : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, TimeSpan.TicksPerSecond);

        public override DateTimeOffset GetUtcNow() => new(2026, 11, 25, 21, 0, 0, TimeSpan.Zero);
    }

    /// <summary>Fails with an <see cref="IOException"/> once more than a given number of frames were read.</summary>
    private sealed class FailingSource(IAudioSource inner, long failAfterFrames) : IAudioSource
    {
        private long _read;

        public string Name => inner.Name;

        public int SampleRate => inner.SampleRate;

        public int ChannelCount => inner.ChannelCount;

        public long FrameCount => inner.FrameCount;

        public int Read(Span<float> interleaved)
        {
            if (_read > failAfterFrames)
            {
                throw new IOException("Read failed (simulated).");
            }

            var read = inner.Read(interleaved);
            _read += read / ChannelCount;
            return read;
        }

        public void Rewind() => inner.Rewind();

        public void Dispose() => inner.Dispose();
    }

    /// <summary>A host calculator whose computer throws at frame 40.</summary>
    private sealed class FailingCalculator : IDescriptorCalculator
    {
        public string Id => "failing";

        public int Version => 1;

        public IReadOnlyList<DescriptorDefinition> Definitions { get; } = [new DescriptorDefinition("failing", "failing", 1, "linear", "Throws at frame 40.")];

        public IDescriptorFrameComputer CreateComputer(DescriptorId descriptor, AnalysisContext context) => new Computer();

        private sealed class Computer : IDescriptorFrameComputer
        {
            public int ValuesPerFrame => 1;

            public void Compute(in AnalysisFrame frame, Span<float> values) =>
                values[0] = frame.Index == 40 ? throw new InvalidOperationException("Frame 40 failed (simulated).") : 0f;
        }
    }

    /// <summary>An in-memory store whose writers' disposal waits for <see cref="Release"/>, as a slow file deletion would.</summary>
    private sealed class SlowDiscardFeatureStore : IFeatureStore
    {
        private readonly InMemoryFeatureStore _inner = new();
        private int _begun;
        private int _disposed;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Begun => Volatile.Read(ref _begun);

        public int Disposed => Volatile.Read(ref _disposed);

        public ValueTask WriteAsync(FeatureBlob blob, CancellationToken cancellationToken = default) => _inner.WriteAsync(blob, cancellationToken);

        public ValueTask<FeatureBlob?> ReadAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) => _inner.ReadAsync(key, descriptor, cancellationToken);

        public ValueTask<bool> DeleteAsync(CacheKey key, DescriptorId descriptor, CancellationToken cancellationToken = default) => _inner.DeleteAsync(key, descriptor, cancellationToken);

        public ValueTask<IReadOnlyList<DescriptorId>> ListAsync(CacheKey key, CancellationToken cancellationToken = default) => _inner.ListAsync(key, cancellationToken);

        public IAsyncEnumerable<FeatureStoreEntry> ScanAsync(CancellationToken cancellationToken = default) => _inner.ScanAsync(cancellationToken);

        public ValueTask<string?> QuarantineAsync(string location, CancellationToken cancellationToken = default) => _inner.QuarantineAsync(location, cancellationToken);

        public async ValueTask<IFeatureBlobWriter> BeginWriteAsync(
            CacheKey key, DescriptorId descriptor, int valuesPerFrame, long? expectedFrameCount = null, FeatureValueEncoding? encoding = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _begun);
            return new Writer(this, await ((IFeatureStore)_inner).BeginWriteAsync(key, descriptor, valuesPerFrame, expectedFrameCount, encoding, cancellationToken));
        }

        private sealed class Writer(SlowDiscardFeatureStore store, IFeatureBlobWriter inner) : IFeatureBlobWriter
        {
            public CacheKey Key => inner.Key;

            public DescriptorId Descriptor => inner.Descriptor;

            public int ValuesPerFrame => inner.ValuesPerFrame;

            public long FramesWritten => inner.FramesWritten;

            public void Append(ReadOnlySpan<float> values) => inner.Append(values);

            public ValueTask CommitAsync(FeatureBlobHeader header, CancellationToken cancellationToken = default) => throw new AssertionException("a cancelled analysis must not commit");

            public async ValueTask DisposeAsync()
            {
                await store.Release.Task;
                await inner.DisposeAsync();
                Interlocked.Increment(ref store._disposed);
            }
        }
    }
}
