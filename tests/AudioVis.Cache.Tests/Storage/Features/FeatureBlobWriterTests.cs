using AudioVis.Cache.Descriptors;
using AudioVis.Cache.Profiles;
using AudioVis.Cache.Storage;
using AudioVis.Cache.Storage.Features;
using Microsoft.Extensions.Time.Testing;
using static AudioVis.Cache.Tests.Storage.Features.FeatureBlobTestData;
using TempFolder = AudioVis.Cache.Tests.Analysis.AudioAnalyzerTests.TempFolder;

namespace AudioVis.Cache.Tests.Storage.Features;

/// <summary>Streamed writes (<see cref="IFeatureStore.BeginWriteAsync"/>) on both stores, and their all-or-nothing commit.</summary>
public sealed class FeatureBlobWriterTests
{
    private static readonly DescriptorId RmsL = DescriptorId.Parse("rms@L");

    public static IEnumerable<TestCaseData> Stores()
    {
        yield return new TestCaseData(new Func<string, IFeatureStore>(root => new FileSystemFeatureStore(root))).SetArgDisplayNames("file system");
        yield return new TestCaseData(new Func<string, IFeatureStore>(_ => new InMemoryFeatureStore())).SetArgDisplayNames("in memory");
    }

    [TestCaseSource(nameof(Stores))]
    public async Task BeginWriteAsync_AppendInUnevenPiecesThenCommit_StoresTheSameBytesAsAWholeWrite(Func<string, IFeatureStore> create)
    {
        using var folder = new TempFolder();
        var store = create(folder.Path);
        var blob = Blob(frameCount: 47, valuesPerFrame: 1025, seed: 4);

        await using (var writer = await store.BeginWriteAsync(Key, RmsL, 1025))
        {
            // 1, 16, 30 frames: pieces that end inside a chunk, on a boundary and across two.
            foreach (var (first, count) in new[] { (0, 1), (1, 16), (17, 30) })
            {
                writer.Append(blob.Values.Span.Slice(first * 1025, count * 1025));
            }

            Assert.That(writer.FramesWritten, Is.EqualTo(47));
            await writer.CommitAsync(blob.Header);
        }

        var streamed = (await store.ReadAsync(Key, RmsL))!;
        Assert.That(Bits(streamed), Is.EqualTo(Bits(blob)));
        if (store is FileSystemFeatureStore files)
        {
            var bytes = await File.ReadAllBytesAsync(files.GetBlobPath(Key, RmsL));
            Assert.That(bytes, Is.EqualTo(await FeatureBlobFormat.EncodeAsync(blob, CancellationToken.None)));
            Assert.That(TempFiles(folder.Path), Is.Empty);
        }
    }

    [TestCase(null)]
    [TestCase(47L)]
    [TestCase(30L)]
    [TestCase(100L)]
    public async Task BeginWriteAsync_InMemoryWithAnExpectedFrameCount_StoresTheFramesAppendedWhateverTheHint(long? expected)
    {
        IFeatureStore store = new InMemoryFeatureStore();
        var blob = Blob(frameCount: 47, valuesPerFrame: 1025, seed: 8);

        await using (var writer = await store.BeginWriteAsync(Key, RmsL, 1025, expected))
        {
            writer.Append(blob.Values.Span[..(20 * 1025)]);
            writer.Append(blob.Values.Span[(20 * 1025)..]);
            await writer.CommitAsync(blob.Header);
        }

        Assert.That(Bits((await store.ReadAsync(Key, RmsL))!), Is.EqualTo(Bits(blob)));
    }

    [TestCaseSource(nameof(Stores))]
    public async Task BeginWriteAsync_DisposedWithoutCommit_LeavesThePreviousBlobAndNothingElse(Func<string, IFeatureStore> create)
    {
        using var folder = new TempFolder();
        var store = create(folder.Path);
        var previous = Blob(seed: 1);
        await store.WriteAsync(previous);

        await using (var writer = await store.BeginWriteAsync(Key, RmsL, 2))
        {
            writer.Append(new float[40000]);
        }

        Assert.That(Bits((await store.ReadAsync(Key, RmsL))!), Is.EqualTo(Bits(previous)));
        Assert.That(TempFiles(folder.Path), Is.Empty);
    }

    [TestCaseSource(nameof(Stores))]
    public async Task CommitAsync_HeaderThatDisagrees_ThrowsNamingBoth_AndWritesNothing(Func<string, IFeatureStore> create)
    {
        using var folder = new TempFolder();
        var store = create(folder.Path);
        await using var writer = await store.BeginWriteAsync(Key, RmsL, 2);
        writer.Append([1, 2, 3, 4]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                async () => await writer.CommitAsync(Header(frameCount: 3)),
                Throws.ArgumentException.With.Message.Contains("3 frames × 2 values").And.Message.Contains("holds 2 frames × 2 values"));
            Assert.That(
                async () => await writer.CommitAsync(Header(descriptor: "rms@R", frameCount: 2)),
                Throws.ArgumentException.With.Message.Contains("rms@R").And.Message.Contains("writer is for rms@L"));
            Assert.That(() => writer.Append([1, 2, 3]), Throws.ArgumentException.With.Message.Contains("not a whole number of frames of 2 values"));
            Assert.That(await store.ReadAsync(Key, RmsL), Is.Null);
        }
    }

    [Test]
    public async Task CommitAsync_CancelledBeforeTheRename_LeavesThePreviousBlobAndNoTempFile()
    {
        using var folder = new TempFolder();
        using var cts = new CancellationTokenSource();
        var store = new FileSystemFeatureStore(folder.Path) { BeforeCommit = _ => throw new OperationCanceledException(cts.Token) };
        var previous = Blob(seed: 1);
        await new FileSystemFeatureStore(folder.Path).WriteAsync(previous);
        var next = Blob(frameCount: 20000, seed: 2);

        var writer = await store.BeginWriteAsync(Key, RmsL, 2);
        writer.Append(next.Values.Span);

        Assert.That(async () => await writer.CommitAsync(next.Header), Throws.InstanceOf<OperationCanceledException>());
        await writer.DisposeAsync();
        Assert.That(Bits((await store.ReadAsync(Key, RmsL))!), Is.EqualTo(Bits(previous)));
        Assert.That(TempFiles(folder.Path), Is.Empty);
    }

    [Test]
    public async Task FeatureCacheWriter_StreamedCommit_AllBlobsBeforeRecords_AndAFailureForgetsReplacedRecordsAndLeavesNoTempFile()
    {
        using var folder = new TempFolder();
        var metadata = new InMemoryCacheMetadataStore();
        var parameters = AnalysisParameters.Default;
        var store = new FileSystemFeatureStore(folder.Path);
        var cacheWriter = new FeatureCacheWriter(store, metadata, new FakeTimeProvider(GoldenWrittenAt));
        var blobs = new[] { "rms@L", "rms@R", "rms@mid" }.Select(d => WithParameters(Blob(descriptor: d, frameCount: 9000), parameters)).ToArray();
        await cacheWriter.CommitAsync(Key, await BeginAllAsync(store, blobs), parameters);
        Assert.That(await metadata.GetRecordsAsync(Key), Has.Count.EqualTo(3));

        // The second blob's commit fails (as when the disk fills up); the first was already replaced.
        var calls = 0;
        var failing = new FileSystemFeatureStore(folder.Path) { BeforeCommit = _ => { if (++calls == 2) { throw new IOException("Disk full (simulated)."); } } };
        var failingWriter = new FeatureCacheWriter(failing, metadata, new FakeTimeProvider(GoldenWrittenAt));
        var again = blobs.Select(b => WithParameters(Blob(descriptor: b.Header.Descriptor.ToString(), frameCount: 9000, seed: 5), parameters)).ToArray();

        Assert.That(async () => await failingWriter.CommitAsync(Key, await BeginAllAsync(failing, again), parameters), Throws.InstanceOf<IOException>());

        var left = await metadata.GetRecordsAsync(Key);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(left.Select(r => r.Descriptor.ToString()), Is.EqualTo(new[] { "rms@mid" }), "the replaced and the failed descriptors lose their records");
            Assert.That(Bits((await store.ReadAsync(Key, DescriptorId.Parse("rms@L")))!), Is.EqualTo(Bits(again[0])));
            Assert.That(Bits((await store.ReadAsync(Key, DescriptorId.Parse("rms@mid")))!), Is.EqualTo(Bits(blobs[2])), "never reached: untouched");
            Assert.That(TempFiles(folder.Path), Is.Empty, "the writers not committed were disposed");
        }
    }

    [Test]
    public async Task FeatureSampler_FromMappedReader_SamplesExactlyAsFromTheBlob()
    {
        using var folder = new TempFolder();
        var store = new FileSystemFeatureStore(folder.Path);
        var blob = Blob(frameCount: 47, valuesPerFrame: 1025, seed: 6);
        await store.WriteAsync(blob);
        using var reader = (await store.OpenReaderAsync(Key, RmsL))!;

        foreach (var options in new[] { FeatureSamplingOptions.Default, new FeatureSamplingOptions { Interpolation = FeatureInterpolation.Nearest }, new FeatureSamplingOptions { Smoothing = FeatureSmoothing.MovingAverage(5) } })
        {
            var fromBlob = new FeatureSampler(blob, options);
            var fromReader = FeatureSampler.FromReader(reader, options);
            var a = new float[1025];
            var b = new float[1025];
            for (var seconds = 0.0; seconds < 0.6; seconds += 0.0071)
            {
                fromBlob.Sample(seconds, a);
                fromReader.Sample(seconds, b);
                Assert.That(b, Is.EqualTo(a), $"{options} at {seconds} s");
                Assert.That(fromReader.Sample(seconds, 1000), Is.EqualTo(fromBlob.Sample(seconds, 1000)));
            }
        }
    }

    private static async Task<(IFeatureBlobWriter, FeatureBlobHeader)[]> BeginAllAsync(IFeatureStore store, FeatureBlob[] blobs)
    {
        var writers = new (IFeatureBlobWriter, FeatureBlobHeader)[blobs.Length];
        for (var i = 0; i < blobs.Length; i++)
        {
            var writer = await store.BeginWriteAsync(blobs[i].Header.Key, blobs[i].Header.Descriptor, blobs[i].Header.ValuesPerFrame);
            writer.Append(blobs[i].Values.Span);
            writers[i] = (writer, blobs[i].Header);
        }

        return writers;
    }

    private static FeatureBlob WithParameters(FeatureBlob blob, AnalysisParameters parameters)
    {
        var h = blob.Header;
        return new FeatureBlob(
            new FeatureBlobHeader(h.Key, h.Descriptor, ProfileRevisionHash.Compute(parameters), h.SourceContentHash, h.CalculatorId, h.CalculatorVersion, h.SampleRate, h.HopSize, h.WindowSize, h.FrameCount, h.ValuesPerFrame, parameters, GoldenWrittenAt),
            blob.Values.Span);
    }

    private static string[] TempFiles(string root) =>
        Directory.Exists(root) ? Directory.GetFiles(root, "*.tmp", SearchOption.AllDirectories) : [];
}
